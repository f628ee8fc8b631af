export * from './create-db';
export * from './migrate';
export * from './column-types';
export * from './trigram';
export * from './unnest-rows';
