import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type ChangeEmailSettings, emailSettingsDecider } from './email-settings.decider';
import type { EmailSettingsEvent } from './email-settings.events';

const now = new Date('2026-11-24T09:00:00Z');
const at = timestampFromDate(now);
const spec = deciderSpec<ReturnType<typeof emailSettingsDecider.initialState>, ChangeEmailSettings, EmailSettingsEvent>(
  emailSettingsDecider,
);
const base = { kind: 'ChangeEmailSettings' as const, region: 'eu-west-1', endpoint: '', sender: 'ops@example.test', now };
const first = create(settingsV1.EmailSettingsChangedSchema, {
  region: 'eu-west-1',
  endpoint: '',
  sender: 'ops@example.test',
  credentialsCiphertext: 'v1.sealed-a',
  accessKeyIdHint: 'WXYZ',
  credentialsChanged: true,
  at,
});

describe('email settings decider', () => {
  it('the first save records the whole section with its sealed credentials', () => {
    spec([])
      .when({ ...base, credentials: { ciphertext: 'v1.sealed-a', accessKeyIdHint: 'WXYZ' } })
      .then([first]);
  });

  it('a change without credentials keeps the sealed ones, and says so', () => {
    spec([first])
      .when({ ...base, sender: 'noreply@example.test' })
      .then([create(settingsV1.EmailSettingsChangedSchema, { ...first, sender: 'noreply@example.test', credentialsChanged: false })]);
  });

  it('new credentials replace the saved ones', () => {
    spec([first])
      .when({ ...base, credentials: { ciphertext: 'v1.sealed-b', accessKeyIdHint: 'ABCD' } })
      .then([create(settingsV1.EmailSettingsChangedSchema, { ...first, credentialsCiphertext: 'v1.sealed-b', accessKeyIdHint: 'ABCD' })]);
  });

  it('a save that changes nothing records nothing', () => {
    spec([first]).when(base).then([]);
  });
});
