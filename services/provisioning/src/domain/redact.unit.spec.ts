import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactJson } from './redact';

describe('redaction of stored payloads', () => {
  it('replaces secret headers, whatever their case, and keeps the rest', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', 'content-type': 'application/json', 'X-Api-Key': 'k', Cookie: 'sid=1' })).toEqual({
      Authorization: REDACTED,
      'content-type': 'application/json',
      'X-Api-Key': REDACTED,
      Cookie: REDACTED,
    });
  });

  it.each([
    ['password', { username: 'ada', password: 'hunter2' }, { username: 'ada', password: REDACTED }],
    [
      'nested and in arrays',
      { account: { pass: 'x', contacts: [{ apiKey: 'k', email: 'a@b.c' }] } },
      { account: { pass: REDACTED, contacts: [{ apiKey: REDACTED, email: 'a@b.c' }] } },
    ],
    [
      'token-ish names',
      { api_token: 't', access_token: 'a', client_secret: 's', passwd: 'p' },
      { api_token: REDACTED, access_token: REDACTED, client_secret: REDACTED, passwd: REDACTED },
    ],
    ['a list under a secret name', { tokens: ['t1', 't2'], passwords: [] }, { tokens: REDACTED, passwords: REDACTED }],
    [
      'ordinary fields untouched',
      { domain: 'ada.example', package: 'Business', quota: 10 },
      { domain: 'ada.example', package: 'Business', quota: 10 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(redactJson(input)).toEqual(expected);
  });

  it('no secret survives anywhere in the serialised payload', () => {
    const payload = { user: 'ada', password: 'S3cr3t!', nested: { token: 'S3cr3t!', deeper: [{ secret: 'S3cr3t!' }] } };
    expect(JSON.stringify(redactJson(payload))).not.toContain('S3cr3t!');
  });
});
