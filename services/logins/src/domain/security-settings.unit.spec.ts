import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, expect, it } from 'vitest';
import { newLocationOf } from './new-location';
import {
  type ChangeSecuritySettings,
  securitySettingsDecider,
  type SecuritySettingsEvent,
  type SecuritySettingsState,
} from './security-settings';

const now = new Date('2026-11-24T09:00:00Z');
const spec = deciderSpec<SecuritySettingsState, ChangeSecuritySettings, SecuritySettingsEvent>(securitySettingsDecider);
const base: ChangeSecuritySettings = {
  kind: 'ChangeSecuritySettings',
  trustedProxies: ['10.0.0.0/8', ' 192.0.2.1 ', '10.0.0.0/8'],
  notifications: { newLocation: true, sessionExpired: false },
  bruteForce: { threshold: 5, windowSeconds: 300, coolDownSeconds: 600 },
  now,
};
const saved = create(settingsV1.SecuritySettingsChangedSchema, {
  trustedProxies: ['10.0.0.0/8', '192.0.2.1'],
  notifications: { newLocation: true, sessionExpired: false },
  bruteForce: { threshold: 5, windowSeconds: 300, coolDownSeconds: 600 },
  at: timestampFromDate(now),
});

describe('security settings decider', () => {
  it('a save records the whole section, each proxy once, trimmed', () => {
    spec([]).when(base).then([saved]);
  });

  it('saving the same section again records nothing', () => {
    spec([saved]).when(base).then([]);
  });

  it('a changed toggle is a new version of the section', () => {
    spec([saved])
      .when({ ...base, notifications: { newLocation: false, sessionExpired: false } })
      .then([
        create(settingsV1.SecuritySettingsChangedSchema, {
          trustedProxies: saved.trustedProxies,
          notifications: { newLocation: false, sessionExpired: false },
          bruteForce: { threshold: 5, windowSeconds: 300, coolDownSeconds: 600 },
          at: saved.at,
        }),
      ]);
  });
});

describe('new location', () => {
  it('the first success of a user has nothing to compare with', () => {
    expect(newLocationOf({ countries: [], asns: [] }, { countryCode: 'DE', asn: 3320 })).toEqual([]);
  });
  it('a country or a network not seen before is new; an unknown one never is', () => {
    const seen = { countries: ['DE'], asns: [3320] };
    expect(newLocationOf(seen, { countryCode: 'DE', asn: 3320 })).toEqual([]);
    expect(newLocationOf(seen, { countryCode: 'US', asn: 3320 })).toEqual(['country']);
    expect(newLocationOf(seen, { countryCode: 'DE', asn: 15169 })).toEqual(['asn']);
    expect(newLocationOf(seen, { countryCode: 'US', asn: 15169 })).toEqual(['country', 'asn']);
    expect(newLocationOf(seen, { countryCode: '', asn: 0 })).toEqual([]);
  });
});
