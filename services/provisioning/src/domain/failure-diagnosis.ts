/**
 * What one call to the hosting panel's API came back with, as far as the
 * diagnosis cares: a transport failure, or an HTTP answer.
 */
export type PanelOutcome =
  | { kind: 'connection_refused'; message: string }
  | { kind: 'connection_dropped'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'tls_error'; message: string }
  | { kind: 'http'; status: number; body: unknown };

export interface Diagnosis {
  /** Stable key, for filters and dashboards. */
  code:
    | 'unreachable'
    | 'dropped'
    | 'timeout'
    | 'tls_untrusted'
    | 'bad_token'
    | 'account_exists'
    | 'package_not_found'
    | 'panel_error'
    | 'unknown';
  cause: string;
  fix: string;
  /** Worth another attempt: the same call may succeed later. */
  retryable: boolean;
}

const messageOf = (body: unknown): string => {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const key of ['error', 'message', 'reason']) if (typeof o[key] === 'string') return o[key] as string;
  }
  return '';
};

/**
 * The likely cause of a failed panel call and what fixes it, read from the
 * response the way an experienced operator would. Anything it does not
 * recognise is said to be unknown rather than guessed at. Pure.
 */
export function diagnose(outcome: PanelOutcome): Diagnosis {
  switch (outcome.kind) {
    case 'connection_refused':
      return {
        code: 'unreachable',
        cause: `connection refused (${outcome.message}): nothing answers at the panel server's api_url, or a firewall blocks it`,
        fix: 'check the panel server’s api_url (host and port) and that the panel’s firewall allows this platform',
        retryable: true,
      };
    case 'connection_dropped':
      return {
        code: 'dropped',
        cause: 'the panel closed the connection without answering',
        fix: 'check the panel’s health and its web server logs; the action will be tried again',
        retryable: true,
      };
    case 'timeout':
      return {
        code: 'timeout',
        cause: 'the panel did not answer within the server’s timeout',
        fix: 'check the panel’s load and health, or raise the panel server’s timeout',
        retryable: true,
      };
    case 'tls_error':
      return {
        code: 'tls_untrusted',
        cause: `SSL certificate verify failed: the panel presents a self-signed or untrusted certificate (${outcome.message})`,
        fix: 'install a valid certificate on the panel, or turn TLS verification off for that panel server',
        retryable: false,
      };
    case 'http':
      return diagnoseHttp(outcome.status, messageOf(outcome.body));
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

function diagnoseHttp(status: number, message: string): Diagnosis {
  if (status === 401 || status === 403) {
    return {
      code: 'bad_token',
      cause: `the panel refused the API token (${status})`,
      fix: 'set the panel server’s API token to a valid one',
      retryable: false,
    };
  }
  if (/account already exists/i.test(message)) {
    return {
      code: 'account_exists',
      cause: 'the panel already has an account with this username',
      fix: 'the username is taken on the panel: choose another, or remove the stale account there',
      retryable: false,
    };
  }
  if (/package not found/i.test(message)) {
    return {
      code: 'package_not_found',
      cause: `the panel has no package of that name (${message})`,
      fix: 'package names are case-sensitive: make the service’s package match one defined on the panel exactly',
      retryable: false,
    };
  }
  if (status >= 300 && status < 400) {
    return {
      code: 'unknown',
      cause: `the panel answered with a redirect (${status}), which the platform does not follow with the API token`,
      fix: 'set the panel server’s api_url to the address the redirect points to (often https:// instead of http://, or another port)',
      retryable: false,
    };
  }
  if (status === 504) {
    return {
      code: 'timeout',
      cause: '504 gateway timeout: the panel took too long',
      fix: 'check the panel’s health and load, or raise the panel server’s timeout',
      retryable: true,
    };
  }
  if (status >= 500) {
    return {
      code: 'panel_error',
      cause: `the panel failed with ${status}${message ? `: ${message}` : ''}`,
      fix: 'check the panel’s error log; the action will be tried again',
      retryable: true,
    };
  }
  return {
    code: 'unknown',
    cause: `unrecognised answer ${status}${message ? `: ${message}` : ''}`,
    fix: 'no known fix: read the full response below and the panel’s logs',
    retryable: false,
  };
}
