import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, expect, it } from 'vitest';
import {
  mayHaveActedUnheard,
  runningAction,
  type ServiceCommand,
  serviceDecider,
  ServiceNotFound,
  ServiceRuleViolation,
} from './service.decider';
import { evolve, initialServiceState, type ServiceEvent } from './service.events';

const { ProvisioningAction: A, ServiceState: S } = provisioningV1;
const given = deciderSpec(serviceDecider);
const now = new Date('2026-11-21T10:00:00Z');
const at = timestampFromDate(now);
const fields = { serviceId: 's1', domain: 'ada.example', clientName: 'Ada Ltd', username: 'ada', package: 'Business', panelServerId: 'p1' };

const registered = create(provisioningV1.ServiceRegisteredSchema, { ...fields, at });
const dispatched = (dispatchId: string, action: provisioningV1.ProvisioningAction) =>
  create(provisioningV1.ActionDispatchedSchema, { serviceId: 's1', dispatchId, action, at });
const succeeded = (dispatchId: string, action: provisioningV1.ProvisioningAction, state: provisioningV1.ServiceState, attempts = 1) =>
  create(provisioningV1.ActionSucceededSchema, { serviceId: 's1', dispatchId, action, state, attempts, at });
const failed = (dispatchId: string, action: provisioningV1.ProvisioningAction, attempts: number, diagnosis: string) =>
  create(provisioningV1.ActionFailedSchema, { serviceId: 's1', dispatchId, action, attempts, diagnosis, at });

const dispatch = (dispatchId: string, action: provisioningV1.ProvisioningAction): ServiceCommand => ({
  kind: 'DispatchAction',
  dispatchId,
  action,
  now,
});
const complete = (dispatchId: string, attempts = 1): ServiceCommand => ({ kind: 'CompleteAction', dispatchId, attempts, now });
const fail = (dispatchId: string, attempts: number, diagnosis: string): ServiceCommand => ({
  kind: 'FailAction',
  dispatchId,
  attempts,
  diagnosis,
  now,
});

const active = [registered, dispatched('d1', A.CREATE), succeeded('d1', A.CREATE, S.ACTIVE)];

interface Case {
  name: string;
  given: ServiceEvent[];
  when: ServiceCommand;
  then?: ServiceEvent[];
  refused?: RegExp;
}

const cases: Case[] = [
  { name: 'register a new service', given: [], when: { kind: 'RegisterService', ...fields, now }, then: [registered] },
  { name: 'register twice is refused', given: [registered], when: { kind: 'RegisterService', ...fields, now }, refused: /already exists/ },
  { name: 'create a registered service', given: [registered], when: dispatch('d1', A.CREATE), then: [dispatched('d1', A.CREATE)] },
  {
    name: 'a suspension carries its reason to the panel call',
    given: active,
    when: { ...dispatch('d2', A.SUSPEND), reason: '  unpaid invoice 42 ' } as ServiceCommand,
    then: [
      create(provisioningV1.ActionDispatchedSchema, {
        serviceId: 's1',
        dispatchId: 'd2',
        action: A.SUSPEND,
        reason: 'unpaid invoice 42',
        at,
      }),
    ],
  },
  {
    name: 'a second create while one runs is refused (409)',
    given: [registered, dispatched('d1', A.CREATE)],
    when: dispatch('d2', A.CREATE),
    refused: /a create is already running for this service/,
  },
  {
    name: 'another action while one runs is refused',
    given: [...active, dispatched('d2', A.SUSPEND)],
    when: dispatch('d3', A.TERMINATE),
    refused: /another action \(suspend\) is running/,
  },
  {
    name: 'success changes the state',
    given: [registered, dispatched('d1', A.CREATE)],
    when: complete('d1', 2),
    then: [succeeded('d1', A.CREATE, S.ACTIVE, 2)],
  },
  { name: 'a repeated completion changes nothing', given: active, when: complete('d1'), then: [] },
  {
    name: 'a superseded dispatch records no outcome',
    given: [registered, dispatched('d1', A.CREATE), failed('d1', A.CREATE, 3, 'timeout'), dispatched('d2', A.CREATE)],
    when: fail('d1', 1, 'timeout'),
    then: [],
  },
  {
    name: 'failure keeps the state and frees the service',
    given: [registered, dispatched('d1', A.CREATE)],
    when: fail('d1', 3, 'timeout'),
    then: [failed('d1', A.CREATE, 3, 'timeout')],
  },
  {
    name: 're-trigger after exhaustion is a fresh dispatch',
    given: [registered, dispatched('d1', A.CREATE), failed('d1', A.CREATE, 3, 'timeout')],
    when: dispatch('d2', A.CREATE),
    then: [dispatched('d2', A.CREATE)],
  },
  { name: 'suspend an active service', given: active, when: dispatch('d2', A.SUSPEND), then: [dispatched('d2', A.SUSPEND)] },
  {
    name: 'suspend before it exists on the panel is refused',
    given: [registered],
    when: dispatch('d1', A.SUSPEND),
    refused: /cannot suspend a service that is not created yet/,
  },
  {
    name: 'unsuspend an active service is refused',
    given: active,
    when: dispatch('d2', A.UNSUSPEND),
    refused: /cannot unsuspend a service that is active/,
  },
  {
    name: 'create an active service again is refused',
    given: active,
    when: dispatch('d2', A.CREATE),
    refused: /cannot create a service that is active/,
  },
  {
    name: 'terminate a suspended service',
    given: [...active, dispatched('d2', A.SUSPEND), succeeded('d2', A.SUSPEND, S.SUSPENDED)],
    when: dispatch('d3', A.TERMINATE),
    then: [dispatched('d3', A.TERMINATE)],
  },
  {
    name: 'nothing after termination',
    given: [...active, dispatched('d2', A.TERMINATE), succeeded('d2', A.TERMINATE, S.TERMINATED)],
    when: dispatch('d3', A.CREATE),
    refused: /cannot create a service that is terminated/,
  },
];

it('an action on a service that does not exist is not found (404), not a rule (409)', () => {
  given([]).when(dispatch('d1', A.CREATE)).thenThrows(ServiceNotFound);
});

describe('service decider', () => {
  it.each(cases)('$name', (c) => {
    const spec = given(c.given).when(c.when);
    if (c.refused) spec.thenThrows(ServiceRuleViolation, c.refused);
    else spec.then(c.then!);
  });
});

describe('service guards, for the worker before it calls the panel', () => {
  const state = (events: ServiceEvent[]) => events.reduce(evolve, initialServiceState());

  it.each([
    { name: 'the running dispatch runs its action', given: [registered, dispatched('d1', A.CREATE)], dispatchId: 'd1', action: A.CREATE },
    { name: 'another dispatch runs nothing', given: [registered, dispatched('d2', A.CREATE)], dispatchId: 'd1', action: undefined },
    { name: 'a finished dispatch runs nothing', given: active, dispatchId: 'd1', action: undefined },
    { name: 'nothing runs on a service that does not exist', given: [], dispatchId: 'd1', action: undefined },
  ])('$name', ({ given, dispatchId, action }) => {
    expect(runningAction(state(given), dispatchId)).toBe(action);
  });

  it.each([
    { name: 'nothing failed before', given: [registered, dispatched('d1', A.CREATE)], action: A.CREATE, unheard: false },
    {
      name: 'an earlier create timed out: it may have created the account',
      given: [registered, dispatched('d1', A.CREATE), failed('d1', A.CREATE, 3, 'timeout'), dispatched('d2', A.CREATE)],
      action: A.CREATE,
      unheard: true,
    },
    {
      name: 'an earlier create met an existing account: someone else’s, not ours',
      given: [registered, dispatched('d1', A.CREATE), failed('d1', A.CREATE, 1, 'account_exists'), dispatched('d2', A.CREATE)],
      action: A.CREATE,
      unheard: false,
    },
    {
      name: 'a failure of another action says nothing about this one',
      given: [...active, dispatched('d2', A.SUSPEND), failed('d2', A.SUSPEND, 3, 'dropped'), dispatched('d3', A.TERMINATE)],
      action: A.TERMINATE,
      unheard: false,
    },
  ])('$name', ({ given, action, unheard }) => {
    expect(mayHaveActedUnheard(state(given), action)).toBe(unheard);
  });
});
