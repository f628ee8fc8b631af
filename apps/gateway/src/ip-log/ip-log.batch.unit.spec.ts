import { create } from '@bufbuild/protobuf';
import { loginsV1 } from '@opsledger/contracts';
import { describe, expect, it } from 'vitest';
import { planAttempts } from './ip-log.batch';
import { storedEvents } from '../test-support/stored-events';

const event = storedEvents('logins', 'attempt');
const attempted = (id: string, email = `${id}@example.test`) =>
  event(id, create(loginsV1.LoginAttemptedSchema, { attemptId: id, email, ip: '203.0.113.9', result: loginsV1.LoginResult.FAILED }));
const located = (id: string, network: string) =>
  event(id, create(loginsV1.LoginAttemptLocatedSchema, { attemptId: id, ipClass: 'public', countryCode: 'DE', asn: 3320, network }));
const newPlace = (id: string) => event(id, create(loginsV1.LoginNewLocationSchema, { attemptId: id, newIn: 'asn', notified: false }));

describe('planAttempts: given a run of attempt events, then the rows it inserts and the answers it gives', () => {
  it.each([
    {
      given: 'an attempt and its place in one run',
      when: () => [attempted('a'), located('a', 'Telekom')],
      then: { inserts: [{ id: 'a', network: 'Telekom', ip: '203.0.113.9' }], answers: { a: ['place'] } },
    },
    {
      given: 'answers to an attempt of an earlier run',
      when: () => [located('x', 'Telekom'), newPlace('x')],
      then: { inserts: [], answers: { x: ['place', 'newness'] } },
    },
    {
      given: 'two places for one attempt: the later stands',
      when: () => [attempted('a'), located('a', 'First'), located('a', 'Second')],
      then: { inserts: [{ id: 'a', network: 'Second', ip: '203.0.113.9' }], answers: { a: ['place'] } },
    },
    {
      given: 'an attempt recorded twice: the first record stands, the answer after still folds in',
      when: () => [attempted('a', 'first@example.test'), attempted('a', 'second@example.test'), located('a', 'Telekom')],
      then: { inserts: [{ id: 'a', network: 'Telekom', ip: '203.0.113.9', email: 'first@example.test' }], answers: { a: ['place'] } },
    },
    {
      given: 'a place given before its attempt (never in order on one subject): the row is written without it',
      when: () => [located('a', 'Telekom'), attempted('a')],
      then: { inserts: [{ id: 'a', network: '', ip: '203.0.113.9' }], answers: { a: ['place'] } },
    },
  ])('$given', ({ when, then }) => {
    const plan = planAttempts(when());
    expect(plan.inserts).toMatchObject(then.inserts);
    expect(plan.inserts).toHaveLength(then.inserts.length);
    expect(Object.fromEntries([...plan.answers].map(([id, a]) => [id, Object.keys(a)]))).toEqual(then.answers);
  });
});
