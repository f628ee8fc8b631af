// The gateway's read-model maintenance for tools (the operator CLI).
export { pruneProvisioningLog, type PruneReport } from './projections/provisioning/prune-provisioning-log';
