import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, 3 passes): the OWASP-recommended shape. */
export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });
export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password).catch(() => false);

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
