import { describe, expect, it } from 'vitest';
import { isSensitiveField } from './sensitive-fields';

describe('sensitive fields (the one declaration)', () => {
  it.each([
    'password',
    'new_password',
    'api_token',
    'api_token_ciphertext',
    'credentials_ciphertext',
    'secret_access_key',
    'access_key',
    'authorization',
    'tokens.user.api_secret',
    'tokens.reset.token',
    'headers.Authorization',
    'private_key',
    'session_cookie',
  ])('%s is sensitive', (field) => expect(isSensitiveField(field)).toBe(true));

  it.each(['token_id', 'access_key_id_hint', 'credentials_changed', 'name', 'html', 'tokens.user.name', 'api_url', 'region', 'expires_at'])(
    '%s is not',
    (field) => expect(isSensitiveField(field)).toBe(false),
  );
});
