import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';

/** Settings → Security as the logins service and the gateway read it. */
export interface SecuritySettings {
  /** undefined: never saved, the gateway's TRUSTED_PROXIES applies. */
  trustedProxies: string[] | undefined;
  notifications: { newLocation: boolean; sessionExpired: boolean };
  bruteForce: { threshold: number; windowSeconds: number; coolDownSeconds: number };
}

/** What applies before anyone saved the section. */
export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  trustedProxies: undefined,
  notifications: { newLocation: true, sessionExpired: false },
  bruteForce: { threshold: 10, windowSeconds: 600, coolDownSeconds: 900 },
};

export type SecuritySettingsEvent = settingsV1.SecuritySettingsChanged;
export type SecuritySettingsState = { status: 'unsaved' } | ({ status: 'saved' } & SecuritySettings);

export interface ChangeSecuritySettings {
  kind: 'ChangeSecuritySettings';
  trustedProxies: string[];
  notifications: SecuritySettings['notifications'];
  bruteForce: SecuritySettings['bruteForce'];
  now: Date;
}

export function settingsOfEvent(e: settingsV1.SecuritySettingsChanged): SecuritySettings {
  return {
    trustedProxies: [...e.trustedProxies],
    notifications: {
      newLocation: e.notifications?.newLocation ?? DEFAULT_SECURITY_SETTINGS.notifications.newLocation,
      sessionExpired: e.notifications?.sessionExpired ?? DEFAULT_SECURITY_SETTINGS.notifications.sessionExpired,
    },
    bruteForce: {
      threshold: e.bruteForce?.threshold || DEFAULT_SECURITY_SETTINGS.bruteForce.threshold,
      windowSeconds: e.bruteForce?.windowSeconds || DEFAULT_SECURITY_SETTINGS.bruteForce.windowSeconds,
      coolDownSeconds: e.bruteForce?.coolDownSeconds || DEFAULT_SECURITY_SETTINGS.bruteForce.coolDownSeconds,
    },
  };
}

export function evolve(_state: SecuritySettingsState, event: SecuritySettingsEvent): SecuritySettingsState {
  return { status: 'saved', ...settingsOfEvent(event) };
}

/**
 * Rules of the Security section: each change is the whole section; the
 * proxies are kept once each, in the order given (formats are checked at the
 * boundary); a change that changes nothing records nothing.
 */
export function decide(state: SecuritySettingsState, command: ChangeSecuritySettings): SecuritySettingsEvent[] {
  const trustedProxies = [...new Set(command.trustedProxies.map((p) => p.trim()))];
  if (
    state.status === 'saved' &&
    JSON.stringify([state.trustedProxies, state.notifications, state.bruteForce]) ===
      JSON.stringify([trustedProxies, command.notifications, command.bruteForce])
  )
    return [];
  return [
    create(settingsV1.SecuritySettingsChangedSchema, {
      trustedProxies,
      notifications: command.notifications,
      bruteForce: command.bruteForce,
      at: timestampFromDate(command.now),
    }),
  ];
}

export const securitySettingsDecider = {
  initialState: (): SecuritySettingsState => ({ status: 'unsaved' }),
  evolve,
  decide,
};
