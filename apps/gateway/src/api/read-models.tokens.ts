/** ListReaders bound to each context's read-model schema. */
export const TASKS_READER = Symbol('TASKS_READER');
/** The tasks read-model schema's Kysely instance (for the log lines beside a task). */
export const TASKS_DB = Symbol('TASKS_DB');
export const PROVISIONING_READER = Symbol('PROVISIONING_READER');
export const PROVISIONING_DB = Symbol('PROVISIONING_DB');
