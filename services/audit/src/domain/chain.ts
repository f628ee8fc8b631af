import { create, toJson } from '@bufbuild/protobuf';
import { auditV1 } from '@opsledger/contracts';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { EntryDraft } from './audit-entry';

/** Where the chain stands: the last entry's sequence and hash (or the checkpoint's, after retention). */
export interface ChainHead {
  sequence: bigint;
  hash: string;
}

export const GENESIS: ChainHead = { sequence: 0n, hash: '' };

/**
 * The hash of an entry: lowercase hex SHA-256 over its canonical encoding,
 * which is the entry's proto3 JSON form (protobuf-es `toJson`: field names in
 * lowerCamelCase, uint64 as strings, enums by name, timestamps as RFC 3339,
 * fields at their default value omitted, so a field added to the message later
 * leaves the hashes of older entries unchanged) without `hash`, serialised by
 * RFC 8785 JSON Canonicalization (sorted keys, no whitespace). `prevHash` is
 * part of it, which is what links the chain.
 */
export function hashOf(entry: auditV1.AuditEntryRecorded): string {
  return createHash('sha256').update(canonicalEncoding(entry), 'utf8').digest('hex');
}

/** The text `hashOf` hashes (see there). */
export function canonicalEncoding(entry: auditV1.AuditEntryRecorded): string {
  const json = toJson(auditV1.AuditEntryRecordedSchema, entry) as Record<string, unknown>;
  delete json.hash;
  return canonicalize(json)!;
}

/** The draft as the next entry after `head`: its sequence, the link and its hash. */
export function seal(draft: EntryDraft, head: ChainHead): auditV1.AuditEntryRecorded {
  const entry = create(auditV1.AuditEntryRecordedSchema, { ...draft, sequence: head.sequence + 1n, prevHash: head.hash, hash: '' });
  entry.hash = hashOf(entry);
  return entry;
}

export interface Verification {
  ok: boolean;
  entriesChecked: number;
  /** The first entry that does not verify, and why; absent when ok. */
  firstBad?: { sequence: bigint; entryId: string; reason: string };
  lastSequence: bigint;
  checkpointSequence: bigint;
}

/**
 * Walks the chain in stream order from the checkpoint (retention removed
 * everything up to it) or from the start, and reports the first entry that
 * does not verify: a sequence out of place (an entry removed or inserted), a
 * prev_hash that is not the previous entry's hash (a link broken), or a hash
 * that is not the hash of the entry's content (the entry edited).
 */
export function verifyChain(
  entries: readonly auditV1.AuditEntryRecorded[],
  checkpoint?: Pick<auditV1.AuditChainCheckpointed, 'throughSequence' | 'throughHash'>,
): Verification {
  const from = checkpoint ? { sequence: checkpoint.throughSequence, hash: checkpoint.throughHash } : GENESIS;
  let expected = from;
  let checked = 0;
  const bad = (entry: auditV1.AuditEntryRecorded, reason: string): Verification => ({
    ok: false,
    entriesChecked: checked,
    firstBad: { sequence: entry.sequence, entryId: entry.entryId, reason },
    lastSequence: expected.sequence,
    checkpointSequence: from.sequence,
  });
  for (const entry of entries) {
    // Entries the checkpoint covers may still be in the stream (a prune stopped between checkpoint and purge).
    if (checkpoint && entry.sequence <= checkpoint.throughSequence) continue;
    checked++;
    if (entry.sequence !== expected.sequence + 1n)
      return bad(entry, `sequence ${entry.sequence} where ${expected.sequence + 1n} was expected: an entry is missing or was inserted`);
    if (entry.prevHash !== expected.hash)
      return bad(
        entry,
        `prev_hash ${entry.prevHash || '(empty)'} is not the previous entry's hash ${expected.hash || '(empty)'}: the link is broken`,
      );
    const actual = hashOf(entry);
    if (entry.hash !== actual)
      return bad(entry, `hash ${entry.hash} is not the hash of the entry's content (${actual}): the entry was changed`);
    expected = { sequence: entry.sequence, hash: entry.hash };
  }
  return { ok: true, entriesChecked: checked, lastSequence: expected.sequence, checkpointSequence: from.sequence };
}
