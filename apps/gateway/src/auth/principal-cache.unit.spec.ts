// What the principal cache answers from memory and what it asks the database again for: given what was heard, when a
// check comes, then how many times the database was asked.
import { describe, expect, it } from 'vitest';
import { parseChange } from './identity-changes';
import { type Admitted, PRINCIPAL_CACHE_MAX_AGE_MS, PrincipalCache } from './principal-cache';

const HOUR = 3_600_000;

function setup() {
  let now = 1_000_000;
  const cache = new PrincipalCache<string>(() => now);
  let loads = 0;
  const admitted = (userId: string, expiresAt = now + HOUR): Admitted<string> => ({
    value: userId,
    userId,
    expiresAt: new Date(expiresAt),
  });
  const check = (hash: string, userId = 'ada', expiresAt?: number) =>
    cache.admit(hash, async () => {
      loads++;
      return admitted(userId, expiresAt);
    });
  return { cache, check, loads: () => loads, advance: (ms: number) => (now += ms), at: () => now };
}

type Setup = ReturnType<typeof setup>;

const table: { name: string; given: (s: Setup) => Promise<unknown> | void; then: number }[] = [
  { name: 'a second check while listening is answered from memory', given: (s) => void s.cache.listen(), then: 1 },
  { name: 'nothing is kept while not listening', given: () => undefined, then: 2 },
  {
    name: 'a change to the account forgets all of its sessions',
    given: async (s) => {
      s.cache.listen();
      await s.check('s1');
      await s.check('s2');
      s.cache.changed({ kind: 'user', id: 'ada' });
      await s.check('s2');
    },
    then: 4,
  },
  {
    name: "another account's change forgets nothing",
    given: async (s) => {
      s.cache.listen();
      await s.check('s1');
      s.cache.changed({ kind: 'user', id: 'bob' });
      s.cache.changed({ kind: 'token', hash: 'other' });
    },
    then: 1,
  },
  {
    name: 'a change to the token forgets it',
    given: async (s) => {
      s.cache.listen();
      await s.check('s1');
      s.cache.changed({ kind: 'token', hash: 's1' });
    },
    then: 2,
  },
  {
    name: 'an entry older than the maximum age is checked again',
    given: async (s) => {
      s.cache.listen();
      await s.check('s1');
      s.advance(PRINCIPAL_CACHE_MAX_AGE_MS);
    },
    then: 2,
  },
  {
    name: 'an entry whose session has expired is checked again',
    given: async (s) => {
      s.cache.listen();
      await s.check('s1', 'ada', s.at() + 1_000);
      s.advance(1_000);
    },
    then: 2,
  },
  {
    name: 'losing the listening connection forgets everything',
    given: async (s) => {
      s.cache.listen();
      await s.check('s1');
      s.cache.deafen();
      await s.check('s1');
      s.cache.listen();
    },
    then: 3,
  },
];

describe('PrincipalCache', () => {
  it.each(table)('$name', async ({ given, then }) => {
    const s = setup();
    await given(s);
    await s.check('s1');
    await s.check('s1');
    expect(s.loads()).toBe(then);
  });

  it('a check that was reading while a change arrived is answered but not kept', async () => {
    const cache = new PrincipalCache<string>();
    cache.listen();
    let loads = 0;
    const load = async () => {
      loads++;
      // The row was read before the account was disabled; the notice arrives before the read returns.
      if (loads === 1) cache.changed({ kind: 'user', id: 'ada' });
      return { value: 'ada', userId: 'ada', expiresAt: new Date(Date.now() + HOUR) };
    };
    expect(await cache.admit('s1', load)).toBe('ada');
    await cache.admit('s1', load);
    expect(loads).toBe(2);
  });

  it('a refused check is never kept', async () => {
    const cache = new PrincipalCache<string>();
    cache.listen();
    let loads = 0;
    const refuse = async () => void loads++;
    expect(await cache.admit('s1', refuse)).toBeUndefined();
    await cache.admit('s1', refuse);
    expect(loads).toBe(2);
  });
});

describe('parseChange', () => {
  it.each([
    ['identity_a user 0192-ab', { kind: 'user', id: '0192-ab' }],
    ['identity_a token 9f86d0', { kind: 'token', hash: '9f86d0' }],
    ['identity_b user 0192-ab', undefined],
    ['identity_a role 0192-ab', undefined],
    ['identity_a user', undefined],
  ])('%s → %j', (payload, change) => {
    expect(parseChange(payload, 'identity_a')).toEqual(change);
  });
});
