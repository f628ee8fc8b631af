import { timestampDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import {
  type ArrayColumns,
  columnNames,
  createTrigramExtension,
  createTrigramIndex,
  type Generated,
  type Migrations,
  type Timestamp,
  unnestRows,
} from '@opsledger/db';
import type { Projection } from '@opsledger/eventstore';
import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';

/** One Provisioning Log entry: one call to the panel's API. */
export interface ProvisioningLogTable {
  id: string;
  service_id: string;
  dispatch_id: string;
  domain: string;
  client_name: string;
  action: provisioningV1.ProvisioningActionName;
  attempt: number;
  status: 'success' | 'failed';
  request: unknown;
  response: unknown;
  duration_ms: number;
  diagnosis_code: string | null;
  cause: string | null;
  fix: string | null;
  created_at: Timestamp;
  seq: Generated<number>;
  /** The correlation id of the command the attempt served (Ops-Correlation-Id), so an Audit Log entry can link to it. */
  correlation_id: string | null;
}
/**
 * Each service's domain and client as the log has named them: one row per distinct (service, domain, client), not
 * one per attempt. The free-text search reads this small table first and then only the matching services' attempts.
 */
export interface ProvisioningLogSubjectTable {
  service_id: string;
  domain: string;
  client_name: string;
}
/**
 * How many attempts name each subject: a search's total is the sum over its matching subjects, no attempt read. Kept
 * apart from the subjects because it changes with every attempt: updating the subjects' rows churned their trigram
 * indexes (a lookup went from 2 to 17 ms until a REINDEX).
 */
export interface ProvisioningLogSubjectAttemptsTable {
  service_id: string;
  domain: string;
  client_name: string;
  attempts: number;
}
export interface ProvisioningReadModel {
  provisioning_log: ProvisioningLogTable;
  provisioning_log_subject: ProvisioningLogSubjectTable;
  provisioning_log_subject_attempts: ProvisioningLogSubjectAttemptsTable;
}
export type ProvisioningLogRow = Selectable<ProvisioningLogTable>;

const PROJECTION = 'provisioning-log';

/** What names a subject: a service and the domain and client the log has given it. */
const SUBJECT = ['service_id', 'domain', 'client_name'] as const;

/** Rows of the tables aliased `a` and `b` name the same subject (all of SUBJECT's columns equal). */
const sameSubject =
  (a: string, b: string) =>
  (eb: ExpressionBuilder<any, any>): Expression<SqlBool> =>
    eb.and(SUBJECT.map((column) => eb(eb.ref(`${a}.${column}`), '=', eb.ref(`${b}.${column}`))));

/** The migrations of the read model in `schema` (one of them names an object Kysely's schema plugin cannot reach). */
const migrations = (schema: string): Migrations => ({
  '20261122T0030_create_provisioning_log': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('provisioning_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('dispatch_id', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('attempt', 'smallint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('request', 'jsonb', (c) => c.notNull())
        .addColumn('response', 'jsonb', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('diagnosis_code', 'text')
        .addColumn('cause', 'text')
        .addColumn('fix', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('seq', 'bigserial')
        .execute();
      await db.schema.createIndex('provisioning_log_created').on('provisioning_log').columns(['created_at desc', 'id desc']).execute();
      await db.schema.createIndex('provisioning_log_service').on('provisioning_log').columns(['service_id', 'created_at desc']).execute();
    },
  },
  // One index per filter of the Provisioning Log page, each ending in the list's order (created_at, id). Failures are
  // the rare status: partial indexes find them (alone or per action) without walking the successes. The always-on
  // domain/client search is a substring match, served by trigram indexes. Checked by provisioning-log.indexes.int.spec.ts.
  '20261123T1200_provisioning_log_indexes': {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('provisioning_log_service').execute();
      const index = (name: string, columns: string[], failedOnly = false) => {
        const q = db.schema
          .createIndex(name)
          .on('provisioning_log')
          .columns([...columns, 'created_at', 'id']);
        return (failedOnly ? q.where(sql.ref('status'), '=', 'failed') : q).execute();
      };
      await index('provisioning_log_service_created', ['service_id']);
      await index('provisioning_log_action_created', ['action']);
      await index('provisioning_log_failed_created', [], true);
      await index('provisioning_log_failed_action_created', ['action'], true);
      await createTrigramExtension(db);
      for (const column of ['domain', 'client_name'])
        await createTrigramIndex(db, `provisioning_log_${column}_trgm`, 'provisioning_log', column);
    },
  },
  // An attempt keeps the correlation id of the command behind it: an Audit Log entry lists the attempts that share its
  // id. Rows from before it have none; a rebuild fills them in from the stream.
  '20261123T1300_provisioning_log_correlation': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('provisioning_log').addColumn('correlation_id', 'text').execute();
      await db.schema.createIndex('provisioning_log_correlation').on('provisioning_log').column('correlation_id').execute();
    },
  },
  // A substring search over trigram indexes of 10 M attempts read the posting lists of trigrams nearly every row has
  // (`sit`, `.ex`, `Cli`): 430-700 ms. The same indexes over the distinct subjects (one row per service) find the few
  // matching services, whose attempts the (service_id, created_at) index then reads in order.
  '20261123T1900_provisioning_log_subjects': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('provisioning_log_subject')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('provisioning_log_subject_pkey', ['service_id', 'domain', 'client_name'])
        .execute();
      for (const column of ['domain', 'client_name']) {
        await db.schema.dropIndex(`provisioning_log_${column}_trgm`).execute();
        await createTrigramIndex(db, `provisioning_log_subject_${column}_trgm`, 'provisioning_log_subject', column);
      }
      const columns = ['service_id', 'domain', 'client_name'] as const;
      await db
        .insertInto('provisioning_log_subject')
        .columns(columns)
        .expression(db.selectFrom('provisioning_log').select(columns).distinct())
        .execute();
    },
  },
  // Counting a search's matches read every matching attempt again and matched it once more (ILIKE per row): 8-12 ms
  // for 5,500 of 10 M. Each subject's attempts are counted instead, kept by the projection as it adds and prunes them.
  // A search's page reads each matching subject's newest attempts by (service_id, created_at): the planner takes that
  // path only once it knows a service's domain and client follow from it (without, it guessed one attempt per subject
  // and read and sorted all of them).
  '20261123T2300_provisioning_log_subject_attempts': {
    async up(db: Kysely<any>) {
      await sql`create statistics ${sql.id(schema, 'provisioning_log_subject_dependencies')} (dependencies)
        on service_id, domain, client_name from ${sql.id(schema, 'provisioning_log')}`.execute(db);
      await sql`analyze ${sql.id(schema, 'provisioning_log')}`.execute(db);
      await db.schema
        .createTable('provisioning_log_subject_attempts')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('attempts', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('provisioning_log_subject_attempts_pkey', [...SUBJECT])
        .execute();
      // A runner of the release before this one may still be projecting while this one migrates (a rolling deploy): it
      // adds and prunes attempts without counting them. Whoever projects next under this release recounts once if the
      // checkpoint moved after this count (see reconcileSubjects).
      await db.schema
        .createTable('provisioning_log_subject_recount')
        .addColumn('checkpoint', 'bigint', (c) => c.notNull())
        .execute();
      // (A read model migrated on its own, as the list benchmark's, has no runner tables: nothing projected it.)
      const { rows } = await sql<{ runner: string | null }>`
        select to_regclass(format('%I.projection_checkpoint', ${schema}::text)) as runner`.execute(db);
      const projected = rows[0]?.runner
        ? await db.selectFrom('projection_checkpoint').select('last_seq').where('projection', '=', PROJECTION).executeTakeFirst()
        : undefined;
      await db
        .insertInto('provisioning_log_subject_recount')
        .values({ checkpoint: projected?.last_seq ?? 0 })
        .execute();
      await recountSubjects(db);
    },
  },
  // "This client's failed attempts": a search with the rare status read every attempt of each matching service to find
  // its few failures (14-20 ms at 10 M rows when it had none). A partial index finds them directly, as for the list.
  '20261124T0000_provisioning_log_failed_service': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('provisioning_log_failed_service_created')
        .on('provisioning_log')
        .columns(['service_id', 'created_at', 'id'])
        .where(sql.ref('status'), '=', 'failed')
        .execute();
    },
  },
});

/**
 * Every subject the log names, and how many attempts name each, counted afresh from the attempts; a subject no attempt
 * names any more goes.
 */
async function recountSubjects(db: Kysely<any>) {
  await db
    .insertInto('provisioning_log_subject')
    .columns(SUBJECT)
    .expression(db.selectFrom('provisioning_log').select(SUBJECT).distinct())
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db.deleteFrom('provisioning_log_subject_attempts').execute();
  await db
    .insertInto('provisioning_log_subject_attempts')
    .columns([...SUBJECT, 'attempts'])
    .expression(
      db
        .selectFrom('provisioning_log')
        .select([...SUBJECT, (eb) => eb.fn.countAll().as('attempts')])
        .groupBy([...SUBJECT]),
    )
    .execute();
  await db
    .deleteFrom('provisioning_log_subject as s')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('provisioning_log_subject_attempts as a').select('a.service_id').where(sameSubject('a', 's')))),
    )
    .execute();
}

/**
 * The first batch this release projects: if the checkpoint moved since the migration counted the subjects, a runner
 * of the release before wrote attempts meanwhile without counting them, so everything is recounted, once.
 */
async function reconcileSubjects(trx: Transaction<any>): Promise<'reconciled' | 'pending'> {
  const counted = await trx.selectFrom('provisioning_log_subject_recount').select('checkpoint').executeTakeFirst();
  if (!counted) return 'reconciled';
  const now = await trx.selectFrom('projection_checkpoint').select('last_seq').where('projection', '=', PROJECTION).executeTakeFirst();
  if (Number(now?.last_seq ?? 0) !== Number(counted.checkpoint)) await recountSubjects(trx);
  await trx.deleteFrom('provisioning_log_subject_recount').execute();
  return 'pending';
}

/** An attempt's row as the projection sends it: the payloads as the JSON text the event carries. */
type AttemptRow = Omit<Insertable<ProvisioningLogTable>, 'seq' | 'request' | 'response'> & { request: string; response: string };

const ATTEMPT_COLUMNS: ArrayColumns<AttemptRow> = {
  id: 'text',
  service_id: 'text',
  dispatch_id: 'text',
  domain: 'text',
  client_name: 'text',
  action: 'text',
  attempt: 'smallint',
  status: 'text',
  request: 'jsonb',
  response: 'jsonb',
  duration_ms: 'integer',
  diagnosis_code: 'text',
  cause: 'text',
  fix: 'text',
  created_at: 'timestamptz',
  correlation_id: 'text',
};

/** The Provisioning Log page's read model: one row per attempt, payloads as stored (already redacted). */
export function provisioningLogProjection(schema: string): Projection<ProvisioningReadModel> {
  // Once no recount is pending it never is again (only the migration asks for one): no need to look each batch.
  let reconciled = false;
  return {
    name: PROJECTION,
    context: 'provisioning',
    schema,
    migrations: migrations(schema),
    tables: ['provisioning_log', 'provisioning_log_subject', 'provisioning_log_subject_attempts'],
    async apply(trx, events) {
      if (!reconciled) reconciled = (await reconcileSubjects(trx)) === 'reconciled';
      const rows = events
        .filter((e) => e.type === provisioningV1.ProvisioningAttemptRecordedSchema.typeName)
        .map((e): AttemptRow => {
          const a = e.data as provisioningV1.ProvisioningAttemptRecorded;
          return {
            id: a.attemptId,
            service_id: a.serviceId,
            dispatch_id: a.dispatchId,
            domain: a.domain,
            client_name: a.clientName,
            action: provisioningV1.ProvisioningActionNames[a.action] ?? 'create',
            attempt: a.attempt,
            status: a.success ? 'success' : 'failed',
            request: a.requestJson,
            response: a.responseJson,
            duration_ms: a.durationMs,
            diagnosis_code: a.diagnosisCode || null,
            cause: a.cause || null,
            fix: a.fix || null,
            created_at: a.at ? timestampDate(a.at) : e.occurredAt,
            correlation_id: e.correlationId ?? null,
          };
        });
      if (rows.length) {
        // Only the attempts actually added count towards their subject (a redelivered one is already there).
        const added = await trx
          .insertInto('provisioning_log')
          .columns(columnNames(ATTEMPT_COLUMNS))
          .expression(unnestRows(rows, ATTEMPT_COLUMNS))
          .onConflict((oc) => oc.column('id').doNothing())
          .returning([...SUBJECT])
          .execute();
        const subjects = new Map<string, ProvisioningLogSubjectAttemptsTable>();
        for (const r of added) {
          const key = JSON.stringify([r.service_id, r.domain, r.client_name]);
          const subject = subjects.get(key) ?? { service_id: r.service_id, domain: r.domain, client_name: r.client_name, attempts: 0 };
          subject.attempts++;
          subjects.set(key, subject);
        }
        if (subjects.size) {
          await trx
            .insertInto('provisioning_log_subject')
            .values([...subjects.values()].map(({ service_id, domain, client_name }) => ({ service_id, domain, client_name })))
            .onConflict((oc) => oc.doNothing())
            .execute();
          await trx
            .insertInto('provisioning_log_subject_attempts')
            .values([...subjects.values()])
            .onConflict((oc) =>
              oc.columns([...SUBJECT]).doUpdateSet({ attempts: sql`provisioning_log_subject_attempts.attempts + excluded.attempts` }),
            )
            .execute();
        }
      }
      // A prune purged the old entries' events; their rows go with them. (An entry is recorded at its own time, never days
      // before its event, so doing the batch's inserts first cannot keep or drop one that stream order would not.)
      for (const e of events)
        if (e.type === provisioningV1.ProvisioningLogPrunedSchema.typeName) {
          const { before } = e.data as provisioningV1.ProvisioningLogPruned;
          if (!before) continue;
          // The pruned attempts leave their subjects' counts; a subject no attempt names any more is not searchable.
          await trx
            .with('gone', (db) =>
              db
                .deleteFrom('provisioning_log')
                .where('created_at', '<', timestampDate(before))
                .returning([...SUBJECT]),
            )
            .updateTable('provisioning_log_subject_attempts as s')
            .from((db) =>
              db
                .selectFrom('gone')
                .select([...SUBJECT, (eb) => eb.fn.countAll<number>().as('n')])
                .groupBy([...SUBJECT])
                .as('c'),
            )
            .set((eb) => ({ attempts: eb('s.attempts', '-', eb.ref('c.n')) }))
            .where(sameSubject('s', 'c'))
            .execute();
          await trx
            .with('emptied', (db) =>
              db
                .deleteFrom('provisioning_log_subject_attempts')
                .where('attempts', '<=', 0)
                .returning([...SUBJECT]),
            )
            .deleteFrom('provisioning_log_subject as s')
            .using('emptied as e')
            .where(sameSubject('s', 'e'))
            .execute();
        }
    },
  };
}
