import { createTestDatabase, type TestDatabase } from '@opsledger/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ArrayColumns, columnNames, unnestRows } from './unnest-rows';

interface Row {
  id: number;
  name: string | null;
  payload: string;
  flag: boolean | null;
  at: Date;
}
const COLUMNS: ArrayColumns<Row> = {
  id: 'integer',
  name: 'text',
  payload: 'jsonb',
  flag: 'boolean',
  at: 'timestamptz',
};

let pg: TestDatabase;
beforeAll(async () => {
  pg = await createTestDatabase();
  await sql`create table ${sql.table(`${pg.schema}.row`)} (id integer, name text, payload jsonb, flag boolean, at timestamptz)`.execute(
    pg.db,
  );
});
afterAll(() => pg?.dispose());

it('unnestRows: given values an array literal must escape, when inserted as arrays, then each reads back as it was', async () => {
  const at = new Date(Date.UTC(2026, 10, 24, 23, 59, 59, 123));
  const rows: Row[] = [
    { id: 1, name: 'NULL', payload: '{"quote":"\\"","backslash":"\\\\","brace":"{}"}', flag: true, at },
    { id: 2, name: null, payload: '[1,"a, b",null]', flag: null, at },
    { id: 3, name: '', payload: '"ünïcødé ✓"', flag: false, at },
    { id: 4, name: 'a "b", {c} \\ d', payload: 'null', flag: true, at },
  ];
  const db = pg.db.withSchema(pg.schema);
  await db.insertInto('row').columns(columnNames(COLUMNS)).expression(unnestRows(rows, COLUMNS)).execute();
  const read = await db.selectFrom('row').selectAll().orderBy('id').execute();
  expect(read).toEqual(rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) })));
});
