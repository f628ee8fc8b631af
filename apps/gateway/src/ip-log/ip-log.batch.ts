import { timestampDate } from '@bufbuild/protobuf/wkt';
import { loginsV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import ipaddr from 'ipaddr.js';
import type { LoginAttemptTable } from './ip-log-tables';

/** An attempt's row as the projection writes it: its time a Date, the forwarded hops as JSON text. */
export type AttemptRow = Omit<LoginAttemptTable, 'at' | 'forwarded_for'> & { at: Date; forwarded_for: string };

/** Where an attempt came from, as the logins service located it. */
export type AttemptPlace = Pick<
  AttemptRow,
  'ip_class' | 'country_code' | 'asn' | 'network' | 'country_db_date' | 'asn_db_date' | 'user_agent_summary'
>;
/** Whether a success came from a place new for its user. */
export type AttemptNewness = Pick<AttemptRow, 'new_location' | 'notified'>;

/** The logins service's answers to an attempt: each sets its columns whole. */
export interface AttemptAnswers {
  place?: AttemptPlace;
  newness?: AttemptNewness;
}

/** The attempts a run of events records, with their answers folded in, and every answer the run gives, by attempt. */
export interface AttemptBatchPlan {
  inserts: AttemptRow[];
  /** The last answer of each kind per attempt. The writer applies those of attempts the run did not insert itself. */
  answers: Map<string, AttemptAnswers>;
}

/** The events that make and complete an attempt's row; any other event of LOGINS ends a run of them. */
export const ATTEMPT_EVENTS: ReadonlySet<string> = new Set([
  loginsV1.LoginAttemptedSchema.typeName,
  loginsV1.LoginAttemptLocatedSchema.typeName,
  loginsV1.LoginNewLocationSchema.typeName,
]);

const inet = (ip: string) => (ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : null);

/**
 * Folds a run of attempt events, in stream order, into the rows they leave: an attempt recorded in the run carries the
 * place and newness the run gives it after, so an attack's attempt and its answer are one row written once. Each answer
 * sets its columns whole, so the last one of a kind is the one the row ends with, as applied one by one.
 */
export function planAttempts(events: readonly StoredEvent[]): AttemptBatchPlan {
  const inserts = new Map<string, AttemptRow>();
  const answers = new Map<string, AttemptAnswers>();
  const answer = (attemptId: string, given: AttemptAnswers) => {
    answers.set(attemptId, { ...answers.get(attemptId), ...given });
    const recorded = inserts.get(attemptId);
    if (recorded) Object.assign(recorded, given.place, given.newness);
  };
  for (const event of events) {
    switch (event.type) {
      case loginsV1.LoginAttemptedSchema.typeName: {
        const a = event.data as loginsV1.LoginAttempted;
        // The first record of an attempt stands, as the table's key keeps it (a redelivered one changes nothing).
        if (inserts.has(a.attemptId)) break;
        inserts.set(a.attemptId, {
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
        });
        break;
      }
      case loginsV1.LoginAttemptLocatedSchema.typeName: {
        const l = event.data as loginsV1.LoginAttemptLocated;
        answer(l.attemptId, {
          place: {
            ip_class: l.ipClass,
            country_code: l.countryCode,
            asn: l.asn || null,
            network: l.network,
            country_db_date: l.countryDatabaseDate,
            asn_db_date: l.asnDatabaseDate,
            user_agent_summary: l.userAgentSummary,
          },
        });
        break;
      }
      case loginsV1.LoginNewLocationSchema.typeName: {
        const n = event.data as loginsV1.LoginNewLocation;
        answer(n.attemptId, { newness: { new_location: n.newIn, notified: n.notified } });
        break;
      }
    }
  }
  return { inserts: [...inserts.values()], answers };
}
