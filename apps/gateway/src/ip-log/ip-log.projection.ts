import { timestampDate } from '@bufbuild/protobuf/wkt';
import { loginsV1, settingsV1 } from '@opsledger/contracts';
import { formatActor, type Projection } from '@opsledger/eventstore';
import ipaddr from 'ipaddr.js';
import type { IpLogTables } from './ip-log-tables';
import { ipLogMigrations, securitySettingsMigrations } from './ip-log.migrations';

const inet = (ip: string) => (ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : null);

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
      for (const event of events) {
        switch (event.type) {
          case loginsV1.LoginAttemptedSchema.typeName: {
            const a = event.data as loginsV1.LoginAttempted;
            await trx
              .insertInto('login_attempt')
              .values({
                id: a.attemptId,
                at: a.at ? timestampDate(a.at) : event.occurredAt,
                user_id: a.userId,
                email: a.email,
                ip: inet(a.ip),
                ip_text: a.ip,
                peer_ip: a.peerIp,
                forwarded_for: JSON.stringify(a.forwardedFor.map((h) => ({ ip: h.ip, trusted: h.trusted }))),
                user_agent: a.userAgent,
                channel: loginsV1.LoginChannelNames[a.channel] ?? 'unknown',
                result: loginsV1.LoginResultNames[a.result] ?? 'unknown',
                reason: a.reason,
                ip_class: '',
                country_code: '',
                asn: null,
                network: '',
                country_db_date: '',
                asn_db_date: '',
                user_agent_summary: '',
                new_location: '',
                notified: false,
              })
              .onConflict((oc) => oc.column('id').doNothing())
              .execute();
            break;
          }
          case loginsV1.LoginAttemptLocatedSchema.typeName: {
            const l = event.data as loginsV1.LoginAttemptLocated;
            await trx
              .updateTable('login_attempt')
              .set({
                ip_class: l.ipClass,
                country_code: l.countryCode,
                asn: l.asn || null,
                network: l.network,
                country_db_date: l.countryDatabaseDate,
                asn_db_date: l.asnDatabaseDate,
                user_agent_summary: l.userAgentSummary,
              })
              .where('id', '=', l.attemptId)
              .execute();
            break;
          }
          case loginsV1.LoginNewLocationSchema.typeName: {
            const n = event.data as loginsV1.LoginNewLocation;
            await trx
              .updateTable('login_attempt')
              .set({ new_location: n.newIn, notified: n.notified })
              .where('id', '=', n.attemptId)
              .execute();
            break;
          }
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
            break;
          }
          case loginsV1.IpLogPrunedSchema.typeName: {
            const p = event.data as loginsV1.IpLogPruned;
            if (p.before) await trx.deleteFrom('login_attempt').where('at', '<', timestampDate(p.before)).execute();
            break;
          }
          case loginsV1.LoginBlockLiftedSchema.typeName: {
            const l = event.data as loginsV1.LoginBlockLifted;
            await trx
              .updateTable('login_block')
              .set({ lifted_at: l.at ? timestampDate(l.at) : event.occurredAt, lifted_by: formatActor(event.actor) })
              .where('id', '=', l.blockId)
              .execute();
            break;
          }
        }
      }
    },
  };
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
