import type { Json, Timestamp } from '@opsledger/db';
import type { Selectable } from 'kysely';

export interface ForwardedHopJson {
  ip: string;
  trusted: boolean;
}

/** One sign-in attempt, as the IP Log lists it: the attempt itself, then where it came from once the logins service located it. */
export interface LoginAttemptTable {
  id: string;
  at: Timestamp;
  user_id: string;
  email: string;
  /** The client address chosen (inet; null when it was not an address). */
  ip: string | null;
  ip_text: string;
  peer_ip: string;
  forwarded_for: Json<ForwardedHopJson[]>;
  user_agent: string;
  channel: string;
  result: string;
  reason: string;
  /** Empty until located: public, private, loopback, link_local, reserved, invalid. */
  ip_class: string;
  country_code: string;
  asn: number | null;
  network: string;
  country_db_date: string;
  asn_db_date: string;
  user_agent_summary: string;
  /** `country`, `asn`, `country,asn` when this success was from a new place for the user; empty otherwise. */
  new_location: string;
  notified: boolean;
}
export type LoginAttemptRow = Selectable<LoginAttemptTable>;

/** A brute-force block: raised by LoginAttackSuspected, ended by its cool-down or LoginBlockLifted. */
export interface LoginBlockTable {
  id: string;
  scope: string;
  key: string;
  failures: number;
  window_seconds: number;
  blocked_until: Timestamp;
  attempt_id: string;
  created_at: Timestamp;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
}
export type LoginBlockRow = Selectable<LoginBlockTable>;

/** Settings → Security as saved (one row, section `security`); none: never saved, the environment's defaults apply. */
export interface SecuritySettingsTable {
  section: string;
  trusted_proxies: Json<string[]>;
  new_location: boolean;
  session_expired: boolean;
  threshold: number;
  window_seconds: number;
  cool_down_seconds: number;
  version: number;
  updated_at: Timestamp;
  updated_by: string;
}
export type SecuritySettingsRow = Selectable<SecuritySettingsTable>;

export interface IpLogTables {
  login_attempt: LoginAttemptTable;
  login_block: LoginBlockTable;
  security_settings: SecuritySettingsTable;
}
