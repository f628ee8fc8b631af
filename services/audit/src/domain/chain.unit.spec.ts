import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, auditV1, Source } from '@opsledger/contracts';
import { describe, expect, it } from 'vitest';
import type { EntryDraft } from './audit-entry';
import { createHash } from 'node:crypto';
import { canonicalEncoding, GENESIS, hashOf, seal, verifyChain } from './chain';

const draft = (i: number): EntryDraft => ({
  entryId: `e${i}`,
  sourceEventId: `s${i}`,
  sourceEventType: 'platform.tasks.v1.TaskRetried',
  sourceStream: 'TASKS',
  actor: { $typeName: 'platform.common.v1.Actor', userId: 'admin-1', kind: ActorKind.STAFF },
  actorEmail: 'admin@example.test',
  actorRole: 'admin',
  source: Source.CONSOLE,
  clientIp: '10.0.0.1',
  osUser: '',
  host: '',
  action: 'task.retry',
  resourceType: 'task',
  resourceId: `t${i}`,
  correlationId: 'c',
  occurredAt: timestampFromDate(new Date(Date.UTC(2026, 0, i + 1))),
  diff: [create(auditV1.FieldChangeSchema, { field: 'attempt', oldValue: '1', newValue: '2' })],
});

function chainOf(n: number, head = GENESIS) {
  const entries: auditV1.AuditEntryRecorded[] = [];
  for (let i = 1; i <= n; i++) {
    const e = seal(draft(i), entries.at(-1) ?? head);
    entries.push(e);
  }
  return entries;
}

describe('hash chain', () => {
  it('links each entry to the previous one; the first has an empty prev_hash', () => {
    const [a, b] = chainOf(2);
    expect(a).toMatchObject({ sequence: 1n, prevHash: '' });
    expect(b).toMatchObject({ sequence: 2n, prevHash: a!.hash });
    expect(a!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the hash is of the canonical encoding: the same entry built in another field order hashes the same', () => {
    const [a] = chainOf(1);
    const reordered = create(auditV1.AuditEntryRecordedSchema, Object.fromEntries(Object.entries(a!).reverse()) as never);
    expect(hashOf(reordered)).toBe(a!.hash);
  });

  it('verifies an untouched chain', () => {
    expect(verifyChain(chainOf(5))).toMatchObject({ ok: true, entriesChecked: 5, lastSequence: 5n });
  });

  it.each([
    ['an edited field', (c: auditV1.AuditEntryRecorded[]) => (c[2]!.actorEmail = 'someone@else.test'), 3n, /was changed/],
    ['an edited diff value', (c: auditV1.AuditEntryRecorded[]) => (c[2]!.diff[0]!.newValue = '3'), 3n, /was changed/],
    ['a removed entry', (c: auditV1.AuditEntryRecorded[]) => c.splice(2, 1), 4n, /missing or was inserted/],
    [
      'a re-hashed edit (the next link breaks)',
      (c: auditV1.AuditEntryRecorded[]) => {
        c[2]!.action = 'task.cancel';
        c[2]!.hash = hashOf(c[2]!);
      },
      4n,
      /link is broken/,
    ],
  ])('fails at exactly the tampered place: %s', (_, tamper, sequence, reason) => {
    const entries = chainOf(5);
    tamper(entries);
    const v = verifyChain(entries);
    expect(v.ok).toBe(false);
    expect(v.firstBad?.sequence).toBe(sequence);
    expect(v.firstBad?.reason).toMatch(reason);
  });

  it('after retention, the rest verifies from the checkpoint, and only from it', () => {
    const entries = chainOf(6);
    const checkpoint = { throughSequence: 3n, throughHash: entries[2]!.hash };
    expect(verifyChain(entries.slice(3), checkpoint)).toMatchObject({ ok: true, entriesChecked: 3, checkpointSequence: 3n });
    // Entries the checkpoint covers but a stopped prune left are skipped.
    expect(verifyChain(entries, checkpoint)).toMatchObject({ ok: true, entriesChecked: 3 });
    expect(verifyChain(entries.slice(3))).toMatchObject({ ok: false, firstBad: { sequence: 4n } });
    expect(verifyChain(entries.slice(3), { throughSequence: 3n, throughHash: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      firstBad: { sequence: 4n },
    });
  });
});

describe('canonical encoding', () => {
  it('is RFC 8785 JSON of the entry without its hash: sorted keys, default values omitted (a field added later leaves older hashes valid)', () => {
    const [a] = chainOf(1);
    const text = canonicalEncoding(a!);
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(keys).not.toContain('hash');
    // osUser and host are empty for a console entry, prevHash for the first one: not in the encoding.
    expect(keys).not.toContain('osUser');
    expect(keys).not.toContain('prevHash');
    expect(text).toContain('"sequence":"1"');
    expect(text).toContain('"occurredAt":"2026-01-02T00:00:00Z"');
    expect(a!.hash).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
