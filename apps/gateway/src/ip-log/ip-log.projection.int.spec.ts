import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { loginsV1 } from '@opsledger/contracts';
import { describe, expect, it } from 'vitest';
import { ipLogProjection } from './ip-log.projection';
import { storedEvents } from '../test-support/stored-events';
import { projectBatches } from '../test-support/project-batches';

const minute = (m: number) => new Date(Date.UTC(2026, 10, 24, 12, m));
const event = storedEvents('logins', 'attempt', {
  occurredAt: () => minute(30),
  actor: { kind: 'staff', id: 'admin-1' },
  source: 'console',
});
const attempted = (id: string, at: number, result = loginsV1.LoginResult.FAILED) =>
  event(
    id,
    create(loginsV1.LoginAttemptedSchema, {
      attemptId: id,
      email: `${id}@example.test`,
      ip: '2001:db8::1',
      peerIp: '10.0.0.1',
      forwardedFor: [{ ip: '2001:db8::1', trusted: true }],
      userAgent: 'curl/8.5.0',
      channel: loginsV1.LoginChannel.PANEL,
      result,
      at: timestampFromDate(minute(at)),
    }),
  );
const located = (id: string, network: string, asn = 64_500) =>
  event(id, create(loginsV1.LoginAttemptLocatedSchema, { attemptId: id, ipClass: 'public', countryCode: 'NL', asn, network }));
const newPlace = (id: string) => event(id, create(loginsV1.LoginNewLocationSchema, { attemptId: id, newIn: 'country', notified: true }));
const suspected = (id: string) =>
  event(
    `block-${id}`,
    create(loginsV1.LoginAttackSuspectedSchema, { blockId: `block-${id}`, scope: 'ip', key: '2001:db8::1', attemptId: id }),
  );
const lifted = (id: string) => event(`block-${id}`, create(loginsV1.LoginBlockLiftedSchema, { blockId: `block-${id}` }));
const pruned = (before: number) =>
  event('prune', create(loginsV1.IpLogPrunedSchema, { pruneId: 'p', before: timestampFromDate(minute(before)) }));

/** A fresh IP Log with the events applied, one transaction per batch, as the runner applies them. */
const project = projectBatches(ipLogProjection, {
  attempts: { table: 'login_attempt', orderBy: 'id' },
  blocks: { table: 'login_block', orderBy: 'id' },
});

describe('ip-log projection: given attempts an earlier batch recorded, when a batch records more and answers old and new', () => {
  const earlier = [attempted('a', 1), located('a', 'First Net'), attempted('b', 2, loginsV1.LoginResult.SUCCEEDED), attempted('c', 3)];
  const batch = [
    located('b', 'Home ISP'),
    newPlace('b'),
    attempted('d', 4),
    located('d', 'Spray Host', 0),
    suspected('d'),
    attempted('e', 5),
    // A redelivered record of a stands; the answer after it still reaches the row an earlier batch wrote.
    attempted('a', 9),
    located('a', 'Second Net'),
    pruned(3),
    attempted('f', 1),
    located('f', 'Late Net'),
    lifted('d'),
  ];

  it('then the rows are those of applying each event in a transaction of its own', async () => {
    const together = await project([earlier, batch]);
    const oneByOne = await project([...earlier, ...batch].map((e) => [e]));
    expect(together).toEqual(oneByOne);
  });

  it('then the prune took what was recorded before its cut, and an attempt recorded after it in the stream stays', async () => {
    const { attempts, blocks } = await project([earlier, batch]);
    expect(attempts.map(({ id, network, asn, new_location, notified }) => ({ id, network, asn, new_location, notified }))).toEqual([
      { id: 'c', network: '', asn: null, new_location: '', notified: false },
      { id: 'd', network: 'Spray Host', asn: null, new_location: '', notified: false },
      { id: 'e', network: '', asn: null, new_location: '', notified: false },
      { id: 'f', network: 'Late Net', asn: 64_500, new_location: '', notified: false },
    ]);
    expect(blocks).toMatchObject([{ id: 'block-d', attempt_id: 'd', lifted_by: 'staff:admin-1' }]);
  });

  it('then an answer to an attempt an earlier batch recorded reaches its row, and a redelivered record changes nothing', async () => {
    const { attempts } = await project([earlier, batch.slice(0, 8)]);
    expect(attempts.find((r) => r.id === 'a')).toMatchObject({ at: minute(1), network: 'Second Net' });
    expect(attempts.find((r) => r.id === 'b')).toMatchObject({ network: 'Home ISP', new_location: 'country', notified: true });
  });
});
