import { ForbiddenError } from '@opsledger/messaging';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal';
import { parseListQuery } from './list-query';
import { ListReader } from './list-reader';
import type { ResourceSpec } from './resource-spec';

/** Queries are built and answered empty: what is checked here is who may ask at all. */
const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const spec = (extra: Partial<ResourceSpec<any>>): ResourceSpec<any> => ({
  resource: 'things',
  table: 'thing',
  idColumn: 'id',
  filters: {},
  sortable: { id: 'id' },
  defaultSort: ['id', 'ASC'],
  keysetSorts: [],
  toJson: (row) => row,
  csv: [],
  ...extra,
});
const customer: Principal = { id: 'u1', email: 'c@x', name: 'C', role: 'customer', via: 'session' };
const admin: Principal = { ...customer, role: 'admin' };

describe('row scoping fails closed', () => {
  it('a customer reading a resource with no owner column is refused, unless the resource says it is public', async () => {
    const reader = new ListReader(db);
    await expect(reader.one(spec({}), 'x', customer)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reader.one(spec({}), 'x', admin)).resolves.toBeUndefined();
    await expect(reader.one(spec({ ownerColumn: 'user_id' }), 'x', customer)).resolves.toBeUndefined();
    await expect(reader.one(spec({ public: true }), 'x', customer)).resolves.toBeUndefined();
  });

  it('a search a customer may not make is refused before anything is read, even one that would find nothing', async () => {
    const searchable = spec({
      search: ['name'],
      searchSubjects: { table: 'thing_subject', key: 'id', counts: { table: 'thing_count', column: 'n', on: ['id', 'name'] } },
    });
    const query = parseListQuery(searchable, { filter: JSON.stringify({ q: 'nothing matches' }) });
    await expect(new ListReader(db).page(searchable, query, customer)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(new ListReader(db).page(searchable, query, admin)).resolves.toEqual({ rows: [], total: 0, estimated: false });
  });
});
