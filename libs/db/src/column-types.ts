import type { ColumnType, Generated } from 'kysely';

/** timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A column the database fills (serial, default now()). */
export type { Generated };
/** jsonb holding a plain object. */
export type Json<T = Record<string, unknown>> = ColumnType<T, string | T, string | T>;
