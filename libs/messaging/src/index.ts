export * from './command-errors';
export * from './command-client';
export * from './command-signature';
export * from './command-server';
export * from './messaging.module';
export * from './nats-connection';
export * from './validation';
