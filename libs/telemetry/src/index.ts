export * from './config';
export * from './logger';
export * from './otel';
export * from './logging.module';
