export * from './config';
export * from './logger';
export * from './otel';
export * from './health/health.module';
export * from './health/readiness-checks';
export * from './logging.module';
export * from './service-bootstrap';
export * from './public-route';
