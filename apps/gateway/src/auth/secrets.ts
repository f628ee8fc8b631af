import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/**
 * argon2id at OWASP's password-storage minimum (m = 19 MiB, t = 2, p = 1), not the library's defaults (64 MiB,
 * 3 passes, 4 lanes): every sign-in costs one hash, and at 64 MiB four at once filled the gateway pod's 256 MiB.
 * Hashes made with other parameters still verify (argon2 keeps them in the hash) and are redone at the next sign-in.
 */
export const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/** At most this many hashes at once (each holds its memory cost while it runs); the rest wait their turn. */
export const HASH_CONCURRENCY = 2;

export const hashPassword = (password: string) => hashing.run(() => argon2.hash(password, HASH_OPTIONS));
export const verifyPassword = (hash: string, password: string) => hashing.run(() => argon2.verify(hash, password)).catch(() => false);
/** Whether a stored hash was made with other parameters than HASH_OPTIONS (an older, costlier default). */
export const needsRehash = (hash: string) => {
  try {
    return argon2.needsRehash(hash, HASH_OPTIONS);
  } catch {
    return false;
  }
};

/**
 * A hash of a password no account has, verified when the email is unknown, so
 * a wrong email takes as long as a wrong password and answers the same.
 */
let decoyHash: Promise<string> | undefined;
export const decoyVerify = async (password: string) => {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await decoyHash, password);
  return false;
};

/** Session and API tokens: 256 random bits, stored only as SHA-256 (they are not guessable, so no slow hash is needed). */
export const newToken = (prefix = '') => `${prefix}${randomBytes(32).toString('base64url')}`;
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A counting semaphore: `run` starts the work when fewer than `limit` are running, in arrival order. */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const hashing = new Semaphore(HASH_CONCURRENCY);
