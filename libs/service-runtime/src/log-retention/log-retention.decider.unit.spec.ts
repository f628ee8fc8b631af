import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import {
  type LogRetention,
  type LogRetentionEvent,
  type LogRetentionPeriod,
  logRetentionDecider,
  type PruneLog,
} from './log-retention.decider';

const DAY = 86_400_000;
const now = new Date('2026-11-23T12:00:00Z');
const daysAgo = (days: number, ms = 0) => new Date(now.getTime() - days * DAY - ms);
const prune = (records: Record<string, Date>): PruneLog => ({
  kind: 'PruneLog',
  now,
  records: Object.entries(records).map(([id, at]) => ({ id, at })),
});
const expired = (id: string, days: number) => ({ kind: 'LogRecordExpired' as const, id, before: daysAgo(days) });

describe.each<[string, LogRetentionPeriod, LogRetentionPeriod]>([
  ['Email Log', 'emailLogDays', 'ipLogDays'],
  ['IP Log', 'ipLogDays', 'emailLogDays'],
])('%s retention: which records are old enough', (_, period, other) => {
  const given = deciderSpec<LogRetention, PruneLog, LogRetentionEvent>(logRetentionDecider(period));
  const saved = (days: number, otherDays = 90) =>
    create(settingsV1.RetentionSettingsChangedSchema, {
      auditDays: 365,
      emailLogDays: 90,
      ipLogDays: 90,
      [period]: days,
      [other]: otherDays,
      at: timestampFromDate(now),
    });

  it('unsaved settings keep 90 days: 91 and 365 days old go, 89 and today stay', () =>
    given([])
      .when(prune({ a: daysAgo(91), b: daysAgo(89), c: daysAgo(365), d: now }))
      .then([expired('a', 90), expired('c', 90)]));
  it(`the saved ${period} is used, not ${other}`, () =>
    given([saved(30, 400)])
      .when(prune({ a: daysAgo(31), b: daysAgo(29), c: daysAgo(91) }))
      .then([expired('a', 30), expired('c', 30)]));
  it('the latest save wins', () =>
    given([saved(30), saved(7)])
      .when(prune({ a: daysAgo(8), b: daysAgo(6) }))
      .then([expired('a', 7)]));
  it('a record exactly at the cutoff stays; a millisecond older goes', () =>
    given([saved(10)])
      .when(prune({ edge: daysAgo(10), older: daysAgo(10, 1) }))
      .then([expired('older', 10)]));
  it('nothing old enough: nothing removed', () =>
    given([saved(1)])
      .when(prune({ a: daysAgo(0, 1000) }))
      .then([]));
  it('other settings sections do not change the period', () =>
    given([create(settingsV1.SecuritySettingsChangedSchema, {})])
      .when(prune({ a: daysAgo(91), b: daysAgo(60) }))
      .then([expired('a', 90)]));
});
