export * from './context-service.module';
export * from './run-service';
export * from './public-route';
export * from './health/health.module';
export * from './health/readiness-checks';
export * from './command-context';
export * from './domain-error-replies';
export * from './start-workflow-once';
