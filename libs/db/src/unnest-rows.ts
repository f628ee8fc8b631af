import { type RawBuilder, sql } from 'kysely';

/** A column of rows sent as one array: its name and its Postgres type (`text`, `jsonb`, `timestamptz`, ...). */
export interface ArrayColumn<Row> {
  name: keyof Row & string;
  type: string;
}

/**
 * `select * from unnest($1::type[], $2::type[], ...)`: many rows as one parameter per column, for
 * `insertInto(table).columns(names).expression(unnestRows(...))`. A multi-row VALUES binds every cell (Postgres
 * allows 65,535 parameters) and Kysely compiles a node for each; a projection's batch of thousands of rows is then
 * mostly the client's work, where one array per column is parsed by the server in one go.
 */
export function unnestRows<Row>(rows: readonly Row[], columns: readonly ArrayColumn<Row>[]): RawBuilder<Row> {
  const arrays = columns.map(({ name, type }) => sql`${rows.map((row) => row[name] ?? null)}::${sql.raw(type)}[]`);
  return sql<Row>`select * from unnest(${sql.join(arrays)})`;
}

/** The names of the columns, in order, for `.columns(...)`. */
export const columnNames = <Row>(columns: readonly ArrayColumn<Row>[]) => columns.map((c) => c.name);
