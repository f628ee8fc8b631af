import { type RawBuilder, sql } from 'kysely';

/** The Postgres types a column can be sent as (the array's element type). */
export type ArrayType = 'text' | 'smallint' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb' | 'inet';

/**
 * Every column of `Row` with its Postgres type, in the order the statement lists them. Every key is required: a column
 * added to the row and not here is a compile error, not a value silently left out.
 */
export type ArrayColumns<Row> = { readonly [K in keyof Row & string]-?: ArrayType };

/**
 * `select * from unnest($1::type[], $2::type[], ...)`: many rows as one parameter per column, for
 * `insertInto(table).columns(columnNames(columns)).expression(unnestRows(rows, columns))`. A multi-row VALUES binds
 * every cell (Postgres allows 65,535 parameters) and Kysely compiles a node for each; a projection's batch of thousands
 * of rows is then mostly the client's work, where one array per column is parsed by the server in one go. A JSON
 * value goes as its text: a JavaScript array in a cell would be sent as one more dimension of the array.
 */
export function unnestRows<Row>(rows: readonly Row[], columns: ArrayColumns<Row>): RawBuilder<Row> {
  const arrays = columnNames(columns).map((name) => sql`${rows.map((row) => row[name] ?? null)}::${sql.raw(columns[name])}[]`);
  return sql<Row>`select * from unnest(${sql.join(arrays)})`;
}

/** The names of the columns, in order, for `.columns(...)` and an alias's column list. */
export const columnNames = <Row>(columns: ArrayColumns<Row>) => Object.keys(columns) as (keyof Row & string)[];
