export * from './streams';
export * from './headers';
export * from './command-definition';
// Generated from proto/ (tools/dev/protoc-gen-contexts.ts): eventRegistry, the
// common types, and one namespace per context package (tasksV1, loginsV1, …).
export * from './gen/index';
export * from './task-types';
