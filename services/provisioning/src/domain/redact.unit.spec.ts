import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactJson, scrubSecrets, secretValues } from './redact';

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
      'an object under a secret name, whatever its fields are called',
      { credentials: 1, auth: { user: 'ada', value: 'S3cr3t!' }, api_key: { primary: 'k1' } },
      { credentials: 1, auth: REDACTED, api_key: REDACTED },
    ],
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

  it('the secrets of the call are cut out of every string, as written, URL-encoded or JSON-escaped', () => {
    const token = 'tok/en+"x';
    const page = `<pre>Authorization: Bearer ${token}\n?t=${encodeURIComponent(token)} ${JSON.stringify({ t: token })}</pre>`;
    const redacted = redactJson({ error: page, nested: [page] }, [token]);
    expect(JSON.stringify(redacted)).not.toContain('tok/en');
    expect(JSON.stringify(redacted)).not.toContain(encodeURIComponent(token));
    expect(scrubSecrets(page, [token])).toBe(`<pre>Authorization: Bearer ${REDACTED}\n?t=${REDACTED} {"t":"${REDACTED}"}</pre>`);
    // A value too short to be told from ordinary text is left to the field rules.
    expect(scrubSecrets('a to b', ['to'])).toBe('a to b');
  });

  it('finds the secrets a request sends, to scrub them from what comes back', () => {
    expect(secretValues({ domain: 'd', password: 'p4ss', auth: { k: 'v1', deep: ['v2'] }, list: [{ token: 't1' }] })).toEqual([
      'p4ss',
      'v1',
      'v2',
      't1',
    ]);
  });
});
