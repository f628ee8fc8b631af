export * from './env';
export * from './test-database';
export * from './test-nats';
export * from './nats-server-process';
export * from './temporal';
export * from './service-process';
