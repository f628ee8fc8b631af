import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type ChangeRetentionSettings, retentionDecider } from './retention.decider';

const now = new Date('2026-11-23T12:00:00Z');
const given = deciderSpec(retentionDecider);
const change = (auditDays: number, emailLogDays = 90, ipLogDays = 90): ChangeRetentionSettings => ({
  kind: 'ChangeRetentionSettings',
  auditDays,
  emailLogDays,
  ipLogDays,
  now,
});
const changed = (auditDays: number, emailLogDays = 90, ipLogDays = 90) =>
  create(settingsV1.RetentionSettingsChangedSchema, { auditDays, emailLogDays, ipLogDays, at: timestampFromDate(now) });

describe('Settings → Retention', () => {
  it('a first save records the section, even with the default values', () =>
    given([])
      .when(change(365))
      .then([changed(365)]));
  it('a change records the whole section', () =>
    given([changed(365)])
      .when(change(400, 30, 7))
      .then([changed(400, 30, 7)]));
  it('saving what is saved records nothing', () =>
    given([changed(400, 30, 7)])
      .when(change(400, 30, 7))
      .then([]));
});
