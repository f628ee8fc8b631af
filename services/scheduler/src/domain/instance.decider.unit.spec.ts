import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { instanceDecider, InstanceNotFound, type InstanceCommand } from './instance.decider';

const given = deciderSpec(instanceDecider);
const day = (d: number) => new Date(Date.UTC(2026, 10, d));
const changed = (daily: boolean, d: number) =>
  create(schedulerV1.InstanceBackupChangedSchema, { instanceId: 'i1', daily, changedAt: timestampFromDate(day(d)) });
const set = (daily: boolean, deploy: { daily: boolean; at: Date } | undefined, d = 10): InstanceCommand => ({
  kind: 'SetInstanceBackup',
  instanceId: 'i1',
  daily,
  deploy,
  now: day(d),
});

describe('instance backup decider: the later of the deploy’s and an admin’s choice is in force', () => {
  it('switching off what the deploy switched on', () =>
    given([])
      .when(set(false, { daily: true, at: day(1) }))
      .then([changed(false, 10)]));
  it('switching on what is already on (by the deploy) changes nothing', () =>
    given([])
      .when(set(true, { daily: true, at: day(1) }))
      .then([]));
  it('switching off what an admin already switched off changes nothing', () =>
    given([changed(false, 5)])
      .when(set(false, { daily: true, at: day(1) }))
      .then([]));
  it('a later deploy asking for the backup overrides an earlier admin switch-off', () =>
    given([changed(false, 5)])
      .when(set(true, { daily: true, at: day(7) }))
      .then([]));
  it('an instance no deploy completed is not found', () =>
    given([])
      .when(set(true, undefined))
      .thenThrows(InstanceNotFound, /i1 is not known/));
});
