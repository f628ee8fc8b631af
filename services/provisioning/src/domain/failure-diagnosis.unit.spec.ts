import { describe, expect, it } from 'vitest';
import { diagnose, type PanelOutcome } from './failure-diagnosis';

describe('diagnose', () => {
  it.each<[string, PanelOutcome, string, boolean, RegExp]>([
    [
      'connection refused',
      { kind: 'connection_refused', message: 'connect ECONNREFUSED 10.0.0.5:2087' },
      'unreachable',
      true,
      /api_url.*firewall/,
    ],
    ['connection dropped', { kind: 'connection_dropped', message: 'socket hang up' }, 'dropped', true, /health/],
    ['timeout', { kind: 'timeout', message: 'aborted after 30000 ms' }, 'timeout', true, /timeout/],
    [
      'self-signed certificate',
      { kind: 'tls_error', message: 'self-signed certificate' },
      'tls_untrusted',
      false,
      /valid certificate.*verification off/,
    ],
    ['401', { kind: 'http', status: 401, body: { error: 'Access denied' } }, 'bad_token', false, /API token/],
    ['403', { kind: 'http', status: 403, body: 'Forbidden' }, 'bad_token', false, /API token/],
    [
      '422 account already exists',
      { kind: 'http', status: 422, body: { error: 'account already exists' } },
      'account_exists',
      false,
      /username is taken/,
    ],
    [
      'package not found',
      { kind: 'http', status: 422, body: { error: 'Package not found: business' } },
      'package_not_found',
      false,
      /case-sensitive/,
    ],
    [
      '504 gateway timeout',
      { kind: 'http', status: 504, body: '<html>504 Gateway Time-out</html>' },
      'timeout',
      true,
      /raise the panel server’s timeout/,
    ],
    ['500', { kind: 'http', status: 500, body: { message: 'database is locked' } }, 'panel_error', true, /error log/],
    ['a redirect (not followed)', { kind: 'http', status: 301, body: '' }, 'unknown', false, /api_url.*redirect/],
    ['unrecognised 418', { kind: 'http', status: 418, body: { error: 'teapot' } }, 'unknown', false, /no known fix/],
  ])('%s', (_name, outcome, code, retryable, fix) => {
    const d = diagnose(outcome);
    expect(d).toMatchObject({ code, retryable });
    expect(d.fix).toMatch(fix);
    expect(d.cause.length).toBeGreaterThan(10);
  });

  it('speaks of this client’s own errors, not another client’s (it is not cURL)', () => {
    const refused = diagnose({ kind: 'connection_refused', message: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:2087' });
    expect(refused.cause).not.toMatch(/cURL/i);
    expect(refused.cause).toContain('ECONNREFUSED 10.0.0.5:2087');
  });

  it('says what it does not know instead of guessing', () => {
    expect(diagnose({ kind: 'http', status: 409, body: {} }).cause).toBe('unrecognised answer 409');
  });
});
