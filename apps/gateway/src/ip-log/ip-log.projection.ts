import { timestampDate } from '@bufbuild/protobuf/wkt';
import { loginsV1, settingsV1 } from '@opsledger/contracts';
import { type ArrayColumns, columnNames, unnestRows } from '@opsledger/db';
import { formatActor, type Projection, type StoredEvent } from '@opsledger/eventstore';
import { sql, type Transaction } from 'kysely';
import type { IpLogTables } from './ip-log-tables';
import {
  ATTEMPT_EVENTS,
  type AttemptBatchPlan,
  type AttemptNewness,
  type AttemptPlace,
  type AttemptRow,
  planAttempts,
} from './ip-log.batch';
import { ipLogMigrations, securitySettingsMigrations } from './ip-log.migrations';

/**
 * The IP Log from LOGINS: each attempt as the gateway recorded it, then its
 * place as the logins service located it (and whether it was a new one for
 * the user), and the brute-force blocks with their lifts. Settings →
 * Retention's prune (IpLogPruned) purged old attempts' events; their rows go
 * with them (blocks stay).
 */
export function ipLogProjection(schema: string): Projection<IpLogTables> {
  return {
    name: 'ip-log',
    context: 'logins',
    schema,
    migrations: ipLogMigrations,
    tables: ['login_attempt', 'login_block'],
    async apply(trx, events) {
      // Attempts and their answers are folded a run at a time; a block, a lift or a prune applies between two runs,
      // in its place in the stream.
      let run: StoredEvent[] = [];
      for (const event of events) {
        if (ATTEMPT_EVENTS.has(event.type)) {
          run.push(event);
          continue;
        }
        await writeAttempts(trx, schema, planAttempts(run));
        run = [];
        await applyOther(trx, event);
      }
      await writeAttempts(trx, schema, planAttempts(run));
    },
  };
}

const PLACE_COLUMNS: ArrayColumns<AttemptPlace> = {
  ip_class: 'text',
  country_code: 'text',
  asn: 'bigint',
  network: 'text',
  country_db_date: 'text',
  asn_db_date: 'text',
  user_agent_summary: 'text',
};
const NEWNESS_COLUMNS: ArrayColumns<AttemptNewness> = { new_location: 'text', notified: 'boolean' };

const ATTEMPT_COLUMNS: ArrayColumns<AttemptRow> = {
  id: 'text',
  at: 'timestamptz',
  user_id: 'text',
  email: 'text',
  ip: 'inet',
  ip_text: 'text',
  peer_ip: 'text',
  forwarded_for: 'jsonb',
  user_agent: 'text',
  channel: 'text',
  result: 'text',
  reason: 'text',
  ...PLACE_COLUMNS,
  ...NEWNESS_COLUMNS,
};

/** An answer to an attempt recorded before the run: `has_place` and `has_newness` say which of its column groups it sets. */
type AnswerRow = Partial<AttemptPlace & AttemptNewness> & { id: string; has_place: boolean; has_newness: boolean };

const ANSWER_COLUMNS: ArrayColumns<AnswerRow> = {
  id: 'text',
  has_place: 'boolean',
  ...PLACE_COLUMNS,
  has_newness: 'boolean',
  ...NEWNESS_COLUMNS,
};

/** The run's new attempts in one insert, then the answers to every attempt it did not insert itself in one update. */
async function writeAttempts(trx: Transaction<IpLogTables>, schema: string, plan: AttemptBatchPlan): Promise<void> {
  const inserted = new Set<string>();
  if (plan.inserts.length > 0) {
    const rows = await trx
      .insertInto('login_attempt')
      .columns(columnNames(ATTEMPT_COLUMNS))
      .expression(unnestRows(plan.inserts, ATTEMPT_COLUMNS))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const { id } of rows) inserted.add(id);
  }
  const answers = [...plan.answers]
    .filter(([id]) => !inserted.has(id))
    .map(([id, { place, newness }]): AnswerRow => ({ id, has_place: Boolean(place), has_newness: Boolean(newness), ...place, ...newness }));
  if (answers.length === 0) return;
  // A column keeps its value unless the answer of its kind was given.
  const setWhen = (given: 'has_place' | 'has_newness') => (column: string) =>
    sql`${sql.id(column)} = case when ${sql.ref(`v.${given}`)} then ${sql.ref(`v.${column}`)} else ${sql.ref(`t.${column}`)} end`;
  await sql`update ${sql.table(`${schema}.login_attempt`)} as t
    set ${sql.join([...columnNames(PLACE_COLUMNS).map(setWhen('has_place')), ...columnNames(NEWNESS_COLUMNS).map(setWhen('has_newness'))])}
    from (${unnestRows(answers, ANSWER_COLUMNS)}) as v(${sql.join(columnNames(ANSWER_COLUMNS).map((c) => sql.id(c)))})
    where t.id = v.id`.execute(trx);
}

/** Blocks, their lifts and the retention prune: rare, each applied as it comes. */
async function applyOther(trx: Transaction<IpLogTables>, event: StoredEvent): Promise<void> {
  switch (event.type) {
    case loginsV1.LoginAttackSuspectedSchema.typeName: {
      const s = event.data as loginsV1.LoginAttackSuspected;
      await trx
        .insertInto('login_block')
        .values({
          id: s.blockId,
          scope: s.scope,
          key: s.key,
          failures: s.failures,
          window_seconds: s.windowSeconds,
          blocked_until: s.blockedUntil ? timestampDate(s.blockedUntil) : event.occurredAt,
          attempt_id: s.attemptId,
          created_at: s.at ? timestampDate(s.at) : event.occurredAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case loginsV1.IpLogPrunedSchema.typeName: {
      const p = event.data as loginsV1.IpLogPruned;
      if (p.before) await trx.deleteFrom('login_attempt').where('at', '<', timestampDate(p.before)).execute();
      return;
    }
    case loginsV1.LoginBlockLiftedSchema.typeName: {
      const l = event.data as loginsV1.LoginBlockLifted;
      await trx
        .updateTable('login_block')
        .set({ lifted_at: l.at ? timestampDate(l.at) : event.occurredAt, lifted_by: formatActor(event.actor) })
        .where('id', '=', l.blockId)
        .execute();
      return;
    }
  }
}

/** Settings → Security from SETTINGS (the trusted proxies the gateway applies, the toggles and thresholds the page shows). */
export function securitySettingsProjection(schema: string): Projection<IpLogTables> {
  return {
    name: 'security-settings',
    context: 'settings',
    schema,
    migrations: securitySettingsMigrations,
    tables: ['security_settings'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type !== settingsV1.SecuritySettingsChangedSchema.typeName) continue;
        const s = event.data as settingsV1.SecuritySettingsChanged;
        const row = {
          trusted_proxies: JSON.stringify(s.trustedProxies),
          new_location: s.notifications?.newLocation ?? true,
          session_expired: s.notifications?.sessionExpired ?? false,
          threshold: s.bruteForce?.threshold ?? 0,
          window_seconds: s.bruteForce?.windowSeconds ?? 0,
          cool_down_seconds: s.bruteForce?.coolDownSeconds ?? 0,
          version: event.streamSeq,
          updated_at: event.occurredAt,
          updated_by: formatActor(event.actor),
        };
        await trx
          .insertInto('security_settings')
          .values({ section: 'security', ...row })
          .onConflict((oc) => oc.column('section').doUpdateSet(row))
          .execute();
      }
    },
  };
}
