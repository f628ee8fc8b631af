import type { Json, Timestamp } from '@opsledger/db';
import type { Selectable } from 'kysely';

/** One field of an edit as the read model keeps it: a sensitive field has no values at all, only `sensitive: true`. */
export type DiffFieldJson = { field: string; sensitive: true } | { field: string; sensitive: false; oldValue: string; newValue: string };

/** One Audit Log entry, as the AUDIT stream recorded it. */
export interface AuditEntryTable {
  /** The entry's place in the chain: the projection applies each sequence once. */
  sequence: number;
  id: string;
  source_event_id: string;
  source_event_type: string;
  source_stream: string;
  /** `staff`, `customer` or `system`. */
  actor_kind: string;
  actor_id: string;
  actor_email: string;
  actor_role: string;
  /** console, api, cli or system. */
  source: string;
  client_ip: string;
  os_user: string;
  host: string;
  /** `resource.verb`; C collation, so a prefix (`user.`) is an index range. */
  action: string;
  resource_type: string;
  resource_id: string;
  correlation_id: string;
  occurred_at: Timestamp;
  diff: Json<DiffFieldJson[]>;
  prev_hash: string;
  hash: string;
}

/** Each retention checkpoint: entries up to `through_sequence` were removed and the chain continues from its hash. */
export interface AuditCheckpointTable {
  through_sequence: number;
  through_hash: string;
  cutoff: Timestamp | null;
  entries_removed: number;
  at: Timestamp;
}

/** The last verification of the chain (one row), so the page can say when it was last verified and with what result. */
export interface AuditVerificationTable {
  chain: string;
  ok: boolean;
  checked: number;
  first_bad_sequence: number | null;
  first_bad_reason: string | null;
  verified_at: Timestamp;
  verified_by: string;
}

export interface AuditTables {
  audit_entry: AuditEntryTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_verification: AuditVerificationTable;
}

export type AuditEntryRow = Selectable<AuditEntryTable>;
