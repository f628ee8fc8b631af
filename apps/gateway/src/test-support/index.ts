// Helpers other projects' tests use to stand up and sign in to a gateway (exported as @opsledger/gateway/testing).
export * from './test-gateway';
export { createAccount } from '../auth/accounts';
export * from './streams';
export { provisioningLogProjection } from '../provisioning/provisioning-log.projection';
// What the log retention test (tools/dev/log-retention.int.spec.ts) projects to see pruned rows leave the read models.
export { emailProjection } from '../email/email.projection';
export { ipLogProjection } from '../ip-log/ip-log.projection';
// The real projections the event store benchmark (tools/bench/eventstore.bench.ts) measures beside the others above.
export { auditProjection } from '../audit/audit.projection';
export * from './list-seed';
// What the list benchmark (tools/bench/lists.bench.ts) needs to replay the list reader's own statements raw.
export { ListReader } from '../api/list/list-reader';
export { parseListQuery } from '../api/list/list-query';
export type { ResourceSpec } from '../api/list/resource-spec';
export type { Principal } from '../auth/principal';
export { tasksResource } from '../tasks/tasks.resource';
export { taskListProjection } from '../tasks/task-list.projection';
export { provisioningLogResource } from '../provisioning/provisioning-log.resource';
