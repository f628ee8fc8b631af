// The simulator answered by the real AWS SDK: mail it accepts is readable back, credentials are checked, and each fault
// arrives as the SDK error SES would cause.
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesSim } from './ses-sim';

const credentials = { accessKeyId: 'AKIATESTSIM0001', secretAccessKey: 'sim-secret-0001' };
let sim: SesSim;
let url: string;

beforeAll(async () => {
  sim = new SesSim(credentials);
  ({ url } = await sim.start());
});
afterAll(() => sim?.stop());

const client = (creds = credentials) => new SESv2Client({ endpoint: url, region: 'eu-west-1', credentials: creds, maxAttempts: 1 });
const send = (to: string, creds = credentials) =>
  client(creds).send(
    new SendEmailCommand({
      FromEmailAddress: 'ops@example.test',
      Destination: { ToAddresses: [to] },
      Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Html: { Data: `<p>Hi ${to}</p>` } } } },
    }),
  );
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => ({
      name: error.name,
      status: error.$metadata?.httpStatusCode,
      message: error.message,
    }),
  );

describe('SES v2 simulator', () => {
  it('accepts a signed SendEmail and keeps exactly what it received', async () => {
    const { MessageId } = await send('ada@example.test');
    expect(MessageId).toBeTruthy();
    const mail = (await sim.received()).find((m) => m.messageId === MessageId);
    expect(mail).toMatchObject({ from: 'ops@example.test', subject: 'Hello', body: { html: '<p>Hi ada@example.test</p>' } });
    expect(mail?.destination.to).toEqual(['ada@example.test']);
  });

  it('refuses an unknown key and a wrong secret as SES does', async () => {
    expect(await failure(send('x@example.test', { ...credentials, accessKeyId: 'AKIAUNKNOWN' }))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 403,
    });
    expect(await failure(send('x@example.test', { ...credentials, secretAccessKey: 'wrong' }))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    expect((await sim.received()).some((m) => m.destination.to.includes('x@example.test'))).toBe(false);
  });

  it('faults: throttled twice then accepted; a rejected recipient; bad credentials; an outage; a dropped connection', async () => {
    await fetch(`${url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'throttle', count: 2 }) });
    expect(await failure(send('t@example.test'))).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    expect(await failure(send('t@example.test'))).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    expect((await send('t@example.test')).MessageId).toBeTruthy();

    sim.addFault({ mode: 'reject', address: 'bounce@example.test' });
    expect(await failure(send('bounce@example.test'))).toMatchObject({ name: 'MessageRejected', status: 400 });
    expect((await send('fine@example.test')).MessageId).toBeTruthy();
    sim.clearFaults();

    sim.addFault({ mode: 'bad-credentials', count: 1 });
    expect(await failure(send('c@example.test'))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
    sim.addFault({ mode: 'unavailable', count: 1 });
    expect(await failure(send('c@example.test'))).toMatchObject({ name: 'ServiceUnavailable', status: 503 });
    sim.addFault({ mode: 'drop', count: 1 });
    expect((await failure(send('c@example.test')))?.status).toBeUndefined();
    expect((await send('c@example.test')).MessageId).toBeTruthy();
  });

  it('an invalid request is BadRequestException with aws-ses-v2-local’s reason', async () => {
    const error = await failure(
      client().send(
        new SendEmailCommand({
          FromEmailAddress: 'ops@example.test',
          Destination: { ToAddresses: ['y@example.test'] },
          Content: { Simple: { Subject: { Data: '' }, Body: { Html: { Data: 'x' } } } },
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'BadRequestException', status: 400 });
  });
});
