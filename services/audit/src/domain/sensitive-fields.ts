import { createHash } from 'node:crypto';

/**
 * THE one place that says which fields are sensitive: passwords, tokens,
 * secret keys, credentials, sealed ciphertexts, authorization headers. A
 * field is judged by the last segment of its diff path (`tokens.user.password`
 * → `password`), so a template token or a nested key named like a secret is
 * caught too. Identifiers and hints of a secret (`token_id`,
 * `access_key_id_hint`, `credentials_changed`) are not the secret itself.
 *
 * A sensitive field appears in a diff only as `sensitive: true`, with neither
 * value; the audit service's private state keeps only a SHA-256 digest of it,
 * enough to tell that it changed.
 */
const SENSITIVE =
  /(pass(word|wd|phrase)?|secret|token|credential|ciphertext|authori[sz]ation|api_?key|private_?key|access_?key|cookie|session)/i;
const NOT_SENSITIVE = /(_id|_ids|_hint|_changed|_name|_at|_count)$/i;

export function isSensitiveField(path: string): boolean {
  const last = path.slice(path.lastIndexOf('.') + 1);
  return SENSITIVE.test(last) && !NOT_SENSITIVE.test(last);
}

/** What the private state keeps of a sensitive value: a digest, never the value. */
export function sealedDigest(value: unknown): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex')}`;
}
