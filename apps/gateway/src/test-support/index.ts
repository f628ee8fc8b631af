// Helpers other projects' tests use to stand up and sign in to a gateway (exported as @opsledger/gateway/testing).
export * from './test-gateway';
export * from './streams';
export { provisioningLogProjection } from '../provisioning/provisioning-log.projection';
export * from './list-seed';
