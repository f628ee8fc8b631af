import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, it } from 'vitest';
import { type GuardCommand, guardDecider, type GuardEvent, type GuardState } from './attack.decider';

const spec = deciderSpec<GuardState, GuardCommand, GuardEvent>(guardDecider);
const t = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 9, 0, seconds));
const limits = { threshold: 3, windowSeconds: 60, coolDownSeconds: 300 };
const failure = (s: number): GuardEvent => ({ type: 'FailureCounted', at: t(s) });
const count = (s: number): GuardCommand => ({ kind: 'CountFailure', at: t(s), limits });
const attack = (s: number, failures = 3): GuardEvent => ({
  type: 'AttackSuspected',
  failures,
  windowSeconds: 60,
  blockedUntil: new Date(t(s).getTime() + 300_000),
  at: t(s),
});

describe('brute-force guard', () => {
  it('a failure below the threshold is only counted', () => {
    spec([failure(0)])
      .when(count(10))
      .then([failure(10)]);
  });

  it('the threshold-th failure inside the window raises an attack with a cool-down', () => {
    spec([failure(0), failure(10)])
      .when(count(20))
      .then([failure(20), attack(20)]);
  });

  it('failures older than the window do not count (the window slides)', () => {
    spec([failure(0), failure(10)])
      .when(count(65))
      .then([failure(65)]);
    spec([failure(0), failure(10), failure(65)])
      .when(count(69))
      .then([failure(69), attack(69)]);
  });

  it('no second attack while the cool-down runs', () => {
    spec([failure(0), failure(10), failure(20), attack(20), failure(30), failure(31)])
      .when(count(32))
      .then([failure(32)]);
  });

  it('after the cool-down a full threshold is needed again: the failures that raised the attack are spent', () => {
    spec([failure(0), failure(10), failure(20), attack(20)])
      .when(count(330))
      .then([failure(330)]);
  });

  it('an admin lifts an active block; lifting none changes nothing', () => {
    spec([failure(0), failure(10), failure(20), attack(20)])
      .when({ kind: 'LiftBlock', at: t(40) })
      .then([{ type: 'BlockLifted', at: t(40) }]);
    spec([failure(0)])
      .when({ kind: 'LiftBlock', at: t(40) })
      .then([]);
  });

  it('after a lift the count starts again from nothing', () => {
    spec([failure(0), failure(10), failure(20), attack(20), { type: 'BlockLifted', at: t(40) }, failure(41)])
      .when(count(42))
      .then([failure(42)]);
  });
});
