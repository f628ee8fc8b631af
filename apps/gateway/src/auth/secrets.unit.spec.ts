import argon2 from 'argon2';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, Semaphore, verifyPassword } from './secrets';

describe('password hashing', () => {
  it('hashes with argon2id at OWASP’s minimum (m=19 MiB, t=2, p=1); a hash from the old defaults still verifies and asks to be redone', async () => {
    const hash = await hashPassword('correct-horse-battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(hash)).toBe(false);
    const legacy = await argon2.hash('correct-horse-battery', { type: argon2.argon2id });
    expect(legacy).toMatch(/m=65536,t=3,p=4/);
    expect(await verifyPassword(legacy, 'correct-horse-battery')).toBe(true);
    expect(await verifyPassword(legacy, 'wrong')).toBe(false);
    expect(needsRehash(legacy)).toBe(true);
  });

  it('the semaphore runs at most its limit at once, in arrival order', async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        gate.run(async () => {
          order.push(i);
          most = Math.max(most, ++running);
          await sleep(5);
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
