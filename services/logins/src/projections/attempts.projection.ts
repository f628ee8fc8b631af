import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, emailV1, loginsV1, Source } from '@opsledger/contracts';
import type { Migrations } from '@opsledger/db';
import { type AppendContext, type EventStore, type Projection, type StoredEvent, WrongExpectedVersionError } from '@opsledger/eventstore';
import type { CommandClient } from '@opsledger/messaging';
import type { Generated, Kysely, Transaction } from 'kysely';
import { UAParser } from 'ua-parser-js';
import { type BruteForceLimits, decide as decideGuard, type GuardScope } from '../domain/attack.decider';
import { newLocationOf } from '../domain/new-location';
import { attemptRef, blockRef } from '../domain/refs';
import type { IpLocator, Location } from '../geo/locator';
import { readSecuritySettings } from './security-settings.projection';

export interface AttemptsTables {
  guard: { scope: string; key: string; blocked_until: Date | null; block_id: string | null };
  guard_failure: { id: Generated<number>; scope: string; key: string; at: Date };
  seen_location: { user_id: string; kind: string; value: string };
}

const migrations: Migrations = {
  '20261123T1200_create_guards': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('guard')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('blocked_until', 'timestamptz')
        .addColumn('block_id', 'text')
        .addPrimaryKeyConstraint('guard_pk', ['scope', 'key'])
        .execute();
      await db.schema
        .createTable('guard_failure')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('guard_failure_key_at').on('guard_failure').columns(['scope', 'key', 'at']).execute();
      await db.schema
        .createTable('seen_location')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('seen_location_pk', ['user_id', 'kind', 'value'])
        .execute();
    },
  },
  // A prune of the IP Log takes the failures its attempts counted (see forgetPrunedFailures): by time, not by key.
  '20261124T1200_guard_failure_at': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('guard_failure_at').on('guard_failure').column('at').execute();
    },
  },
};

export interface AttemptsDeps {
  store: EventStore;
  locator: IpLocator;
  /** Sends the login.new-location email through the email service (cmd.email.send-email). */
  commands: CommandClient;
  newId: () => string;
  /** An attempt older than this raises no email (a rebuilt lookup must not mail its history). */
  noticeMaxAgeMs: number;
  log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

const SYSTEM: AppendContext = { actor: { kind: 'system', id: 'logins' }, source: 'system' };

/** "Firefox 145 on Linux", from a user agent; the raw string when it says nothing a parser knows. */
export function userAgentSummary(userAgent: string): string {
  if (!userAgent) return '';
  const { browser, os } = new UAParser(userAgent).getResult();
  const b = [browser.name, browser.major].filter(Boolean).join(' ');
  const o = [os.name, os.version].filter(Boolean).join(' ');
  if (!b && !o) return userAgent.slice(0, 60);
  return o ? `${b || 'unknown client'} on ${o}` : b;
}

/**
 * Reads every sign-in attempt on LOGINS and answers it on the same stream:
 * where it came from (LoginAttemptLocated, on the attempt's subject), whether
 * it makes a brute force (LoginAttackSuspected, per account, address and
 * network, on a block's subject) and, for a success, whether the place is new
 * for the user (LoginNewLocation, and the login.new-location email when
 * Settings → Security says so). Each append names the version it expects, so
 * a batch replayed after a crash appends nothing twice and mails no one twice.
 * Its guards and the places seen per user are private tables, moved in the
 * batch's transaction.
 */
export function attemptsProjection(schema: string, settingsDb: Kysely<any>, deps: AttemptsDeps): Projection<AttemptsTables> {
  return {
    name: 'logins-attempts',
    context: 'logins',
    schema,
    migrations,
    tables: ['guard', 'guard_failure', 'seen_location'],
    async apply(trx, events) {
      for (const event of events) {
        if (event.type === loginsV1.LoginAttemptedSchema.typeName) await onAttempt(trx, event as StoredEvent<loginsV1.LoginAttempted>);
        else if (event.type === loginsV1.IpLogPrunedSchema.typeName) await forgetPrunedFailures(trx, event.data as loginsV1.IpLogPruned);
        else if (event.type === loginsV1.LoginBlockLiftedSchema.typeName) {
          const lifted = event.data as loginsV1.LoginBlockLifted;
          await trx.deleteFrom('guard_failure').where('scope', '=', lifted.scope).where('key', '=', lifted.key).execute();
          await trx
            .updateTable('guard')
            .set({ blocked_until: null, block_id: null })
            .where('scope', '=', lifted.scope)
            .where('key', '=', lifted.key)
            .where('block_id', '=', lifted.blockId)
            .execute();
        }
      }
    },
  };

  async function onAttempt(trx: Transaction<AttemptsTables>, event: StoredEvent<loginsV1.LoginAttempted>) {
    const a = event.data;
    const at = a.at ? timestampDate(a.at) : event.occurredAt;
    const location = deps.locator.locate(a.ip);
    const located = create(loginsV1.LoginAttemptLocatedSchema, {
      attemptId: a.attemptId,
      ip: a.ip,
      ipClass: location.ipClass,
      countryCode: location.countryCode,
      asn: location.asn,
      network: location.network,
      countryDatabaseDate: deps.locator.databases.country.date,
      asnDatabaseDate: deps.locator.databases.asn.date,
      userAgentSummary: userAgentSummary(a.userAgent),
    });
    const settings = await readSecuritySettings(settingsDb);
    const answer: { id: string; data: loginsV1.AttemptEvent; occurredAt: Date }[] = [{ id: deps.newId(), data: located, occurredAt: at }];
    const result = loginsV1.LoginResultNames[a.result];
    let notice: loginsV1.LoginNewLocation | undefined;
    if (result === 'failed') {
      await countFailures(trx, a, at, location, settings.bruteForce);
    } else if (result === 'succeeded' && a.userId) {
      notice = await checkNewLocation(trx, a, at, location, settings.notifications.newLocation);
      if (notice) answer.push({ id: deps.newId(), data: notice, occurredAt: at });
    }
    if (!(await appendOnce(attemptRef(a.attemptId), answer, event.streamSeq))) return;
    if (notice?.notified) await sendNotice(event, answer[1]!.id, notice, location, a.userAgent);
  }

  async function countFailures(
    trx: Transaction<AttemptsTables>,
    a: loginsV1.LoginAttempted,
    at: Date,
    location: Location,
    limits: BruteForceLimits,
  ) {
    const keys: [GuardScope, string][] = [['ip', a.ip]];
    if (a.email) keys.push(['account', a.email]);
    if (location.asn) keys.push(['asn', String(location.asn)]);
    for (const [scope, key] of keys) {
      const guard = await trx.selectFrom('guard').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      const failures = await trx
        .selectFrom('guard_failure')
        .select('at')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('at', '>', new Date(at.getTime() - limits.windowSeconds * 1000))
        .orderBy('at')
        .execute();
      const decided = decideGuard(
        { failures: failures.map((f) => new Date(f.at)), blockedUntil: guard?.blocked_until ? new Date(guard.blocked_until) : null },
        { kind: 'CountFailure', at, limits },
      );
      for (const e of decided) {
        if (e.type === 'FailureCounted') await trx.insertInto('guard_failure').values({ scope, key, at: e.at }).execute();
        else if (e.type === 'AttackSuspected') {
          const blockId = `${a.attemptId}-${scope}`;
          await trx.deleteFrom('guard_failure').where('scope', '=', scope).where('key', '=', key).execute();
          await trx
            .insertInto('guard')
            .values({ scope, key, blocked_until: e.blockedUntil, block_id: blockId })
            .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ blocked_until: e.blockedUntil, block_id: blockId }))
            .execute();
          const suspected = create(loginsV1.LoginAttackSuspectedSchema, {
            blockId,
            scope,
            key,
            failures: e.failures,
            windowSeconds: e.windowSeconds,
            blockedUntil: timestampFromDate(e.blockedUntil),
            attemptId: a.attemptId,
            at: timestampFromDate(e.at),
          });
          if (await appendOnce(blockRef(blockId), [{ id: deps.newId(), data: suspected, occurredAt: at }], 0))
            deps.log('warn', 'sign-in attack suspected', { scope, key, failures: e.failures, blockedUntil: e.blockedUntil.toISOString() });
        }
      }
    }
  }

  async function checkNewLocation(
    trx: Transaction<AttemptsTables>,
    a: loginsV1.LoginAttempted,
    at: Date,
    location: Location,
    notify: boolean,
  ): Promise<loginsV1.LoginNewLocation | undefined> {
    if (location.ipClass !== 'public') return undefined;
    const seen = await trx.selectFrom('seen_location').select(['kind', 'value']).where('user_id', '=', a.userId).execute();
    const changed = newLocationOf(
      {
        countries: seen.filter((s) => s.kind === 'country').map((s) => s.value),
        asns: seen.filter((s) => s.kind === 'asn').map((s) => Number(s.value)),
      },
      location,
    );
    const rows = [
      ...(location.countryCode ? [{ user_id: a.userId, kind: 'country', value: location.countryCode }] : []),
      ...(location.asn ? [{ user_id: a.userId, kind: 'asn', value: String(location.asn) }] : []),
    ];
    if (rows.length)
      await trx
        .insertInto('seen_location')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    if (!changed.length) return undefined;
    return create(loginsV1.LoginNewLocationSchema, {
      attemptId: a.attemptId,
      userId: a.userId,
      email: a.email,
      ip: a.ip,
      countryCode: location.countryCode,
      asn: location.asn,
      network: location.network,
      newIn: changed.join(','),
      notified: notify && Boolean(a.email) && Date.now() - at.getTime() <= deps.noticeMaxAgeMs,
      at: timestampFromDate(at),
    });
  }

  /**
   * The IP Log's prune purged every attempt made before `before`: the failures they counted go too, or every address
   * that ever failed a few times would keep its rows for ever. None that old can count again: a brute-force window is at
   * most a day and the IP Log keeps at least one. (The places a user was seen at stay: they are few per user, and
   * forgetting them would mail a new-location notice to whoever returns after the retention period.)
   */
  async function forgetPrunedFailures(trx: Transaction<AttemptsTables>, pruned: loginsV1.IpLogPruned) {
    if (!pruned.before) return;
    await trx.deleteFrom('guard_failure').where('at', '<', timestampDate(pruned.before)).execute();
  }

  /** Appends at the expected version; false when a replayed batch finds its answer already there. */
  async function appendOnce(ref: Parameters<EventStore['append']>[0], events: Parameters<EventStore['append']>[1], expected: number) {
    try {
      await deps.store.append(ref, events, expected, SYSTEM);
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }

  async function sendNotice(
    event: StoredEvent,
    noticeId: string,
    notice: loginsV1.LoginNewLocation,
    location: Location,
    userAgent: string,
  ) {
    const where = [location.countryCode, location.asn ? `AS${location.asn} ${location.network}` : ''].filter(Boolean).join(', ');
    try {
      await deps.commands.send(emailV1.SendEmailCommand, {
        actor: { userId: 'logins', kind: ActorKind.SYSTEM },
        source: Source.SYSTEM,
        template: 'login.new-location',
        to: notice.email,
        data: {
          user: { name: notice.email },
          login: {
            ip: notice.ip,
            location: where || 'an unknown place',
            at: `${(notice.at ? timestampDate(notice.at) : new Date()).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
            userAgent: userAgentSummary(userAgent) || 'unknown',
          },
        } as never,
        correlationId: event.correlationId ?? '',
        causedByEventType: loginsV1.LoginNewLocationSchema.typeName,
        causedByEventId: noticeId,
      });
    } catch (error) {
      deps.log('warn', 'login.new-location email not sent', { attemptId: notice.attemptId, error: (error as Error).message });
    }
  }
}
