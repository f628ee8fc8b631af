// The email service in-process (as main.ts boots it) on real NATS, PostgreSQL, a Temporal dev server and the SES v2
// simulator: sends queued then sent with exactly what the provider received, retries and refusals by the provider's
// own errors, template saves checked before they are stored, Reset to default, the platform's own emails caused by
// other contexts' events (with the cause's correlation id), and Settings → Email with its sealed credentials.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, emailV1, identityV1, provisioningV1, settingsV1, Source, streamName, tasksV1 } from '@opsledger/contracts';
import { NotFoundError, ValidationError } from '@opsledger/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailIdFor } from './commands/queue-email';
import { templateRef } from './domain/refs';
import { loadShippedTemplates } from './shipped-templates';
import { createEmailHarness, type EmailHarness, SIM_CREDENTIALS } from './test-fixtures/email-harness';

const staff = { actor: { userId: 'admin-1', kind: ActorKind.STAFF }, source: Source.CONSOLE };
const shipped = loadShippedTemplates();
/** A shipped template's content as a command carries it. */
const shippedContent = (name: string) => {
  const content = shipped.get(name)!.content;
  return { ...content, tokens: [...content.tokens] };
};
const started = Date.now();
let h: EmailHarness;

beforeAll(async () => {
  h = await createEmailHarness();
  await h.boot();
  console.log(`email harness up in ${Date.now() - started} ms`);
});
afterAll(() => h?.dispose());

const types = (events: { type: string }[]) => events.map((e) => e.type.slice('platform.email.v1.'.length));
const received = async (to: string) => (await h.sim.received()).filter((m) => m.destination.to.includes(to));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('sending (email.send)', () => {
  it('queues with the template version, then sends; the provider holds exactly the subject and body the log holds', async () => {
    const to = 'ada.send@example.test';
    const { emailId, templateVersion } = await h.client.send(emailV1.SendEmailCommand, {
      ...staff,
      template: 'user.welcome',
      to,
      data: { user: { name: 'Ada <Lovelace> & Co', email: to }, console: { url: 'https://console.example.test/' } },
    });
    expect(templateVersion).toBe(1);
    const events = await h.outcome(emailId);
    expect(types(events)).toEqual(['EmailQueued', 'EmailSent']);
    const queued = events[0]!.data as emailV1.EmailQueued;
    const sent = events[1]!.data as emailV1.EmailSent;
    expect(queued).toMatchObject({
      template: 'user.welcome',
      templateVersion: 1,
      to,
      subject: 'Welcome to Ops Ledger, Ada <Lovelace> & Co',
    });
    // Escaped in the body, as sent.
    expect(queued.html).toContain('Welcome, Ada &lt;Lovelace&gt; &amp; Co');
    expect(sent).toMatchObject({ responseCode: 200, attempts: 1, from: 'ops@example.test' });

    const [mail] = await received(to);
    expect(mail).toMatchObject({ messageId: sent.providerMessageId, from: 'ops@example.test', subject: queued.subject });
    expect(mail!.body.html).toBe(queued.html);
  });

  it('a throttled send is retried by Temporal and then sent; each failed attempt is on the record', async () => {
    const to = 'throttled@example.test';
    h.sim.addFault({ mode: 'throttle', count: 2 });
    const { emailId } = await h.client.send(emailV1.SendEmailCommand, {
      ...staff,
      template: 'settings.test',
      to,
      data: { sent: { at: 'now' }, provider: { region: 'eu-west-1', sender: 'ops@example.test' } },
    });
    const events = await h.outcome(emailId);
    expect(types(events)).toEqual(['EmailQueued', 'EmailAttemptFailed', 'EmailAttemptFailed', 'EmailSent']);
    expect(events.slice(1, 3).map((e) => e.data)).toEqual([
      expect.objectContaining({ attempt: 1, providerCode: 'TooManyRequestsException', responseCode: 429 }),
      expect.objectContaining({ attempt: 2, providerCode: 'TooManyRequestsException', responseCode: 429 }),
    ]);
    expect(events[3]!.data).toMatchObject({ attempts: 3, responseCode: 200 });
    expect(h.sim.calls.filter((c) => c.to.includes(to)).map((c) => c.status)).toEqual([429, 429, 200]);
    expect(await received(to)).toHaveLength(1);
  });

  it('a rejected recipient fails once, at once, with the provider’s code; nothing retries', async () => {
    const to = 'bounce@example.test';
    h.sim.addFault({ mode: 'reject', address: to });
    try {
      const { emailId } = await h.client.send(emailV1.SendEmailCommand, {
        ...staff,
        template: 'settings.test',
        to,
        data: { sent: { at: 'now' }, provider: { region: 'x', sender: 'y' } },
      });
      const events = await h.outcome(emailId);
      expect(types(events)).toEqual(['EmailQueued', 'EmailFailed']);
      expect(events[1]!.data).toMatchObject({
        providerCode: 'MessageRejected',
        providerMessage: expect.stringContaining('not verified'),
        responseCode: 400,
        permanent: true,
        attempts: 1,
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(h.sim.calls.filter((c) => c.to.includes(to))).toHaveLength(1);
    } finally {
      h.sim.clearFaults();
    }
  });

  it('transient failures that outlast the attempts fail as transient, with the last code', async () => {
    const to = 'outage@example.test';
    h.sim.addFault({ mode: 'unavailable', count: 4 });
    const { emailId } = await h.client.send(emailV1.SendEmailCommand, {
      ...staff,
      template: 'settings.test',
      to,
      data: { sent: { at: 'now' }, provider: { region: 'x', sender: 'y' } },
    });
    const events = await h.outcome(emailId);
    expect(types(events)).toEqual([
      'EmailQueued',
      'EmailAttemptFailed',
      'EmailAttemptFailed',
      'EmailAttemptFailed',
      'EmailAttemptFailed',
      'EmailFailed',
    ]);
    expect(events.at(-1)!.data).toMatchObject({ providerCode: 'ServiceUnavailable', responseCode: 503, permanent: false, attempts: 4 });
  });

  it('data that does not render the template is a 400 naming what is missing, and nothing is queued; an unknown template is 404', async () => {
    const error = await failure(
      h.client.send(emailV1.SendEmailCommand, {
        ...staff,
        template: 'user.welcome',
        to: 'x@example.test',
        data: { user: { name: 'Ada' } },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations).toEqual([
      expect.objectContaining({ field: 'data', rule: 'render', message: expect.stringContaining('no value for "email"') }),
    ]);
    expect(await failure(h.client.send(emailV1.SendEmailCommand, { ...staff, template: 'no.such', to: 'x@example.test' }))).toBeInstanceOf(
      NotFoundError,
    );
    const bad = await failure(h.client.send(emailV1.SendEmailCommand, { ...staff, template: 'User Welcome', to: 'not-an-address' }));
    expect((bad as ValidationError).violations.map((v) => v.field).sort()).toEqual(['template', 'to']);
  });
});

describe('templates', () => {
  it('the shipped templates are seeded as version 1 at start', async () => {
    for (const name of shipped.keys()) {
      const events = await h.store.read(templateRef(name));
      expect(events.map((e) => [e.type, (e.data as emailV1.DefaultTemplateRegistered).version])).toEqual([
        ['platform.email.v1.DefaultTemplateRegistered', 1],
      ]);
    }
  });

  it('an edit with an unknown token or broken syntax is refused before anything is stored, naming it and where', async () => {
    const before = (await h.store.read(templateRef('task.failed'))).length;
    const content = shippedContent('task.failed');
    const unknown = await failure(
      h.client.send(emailV1.EditTemplateCommand, {
        ...staff,
        name: 'task.failed',
        content: { ...content, html: '<p>Hello {{ user.name }},</p>\n<p>{{ task.secret }}</p>' },
      }),
    );
    expect((unknown as ValidationError).violations).toEqual([
      expect.objectContaining({
        field: 'html',
        rule: 'unknown_token',
        line: 2,
        column: 7,
        message: expect.stringContaining('"task.secret"'),
      }),
    ]);
    const broken = await failure(
      h.client.send(emailV1.EditTemplateCommand, {
        ...staff,
        name: 'task.failed',
        content: { ...content, subject: 'Failed: {{ task.type }' },
      }),
    );
    expect((broken as ValidationError).violations).toEqual([expect.objectContaining({ field: 'subject', rule: 'syntax', line: 1 })]);
    expect(await h.store.read(templateRef('task.failed'))).toHaveLength(before);
  });

  it('edits make new versions; Reset to default restores the shipped text as the next version', async () => {
    const name = 'login.new-location';
    const original = shippedContent(name);
    const edit = (html: string) =>
      h.client.send(emailV1.EditTemplateCommand, { ...staff, name, content: { ...original, html }, expectedVersion: undefined });
    expect((await edit('<p>Hi {{ user.name }}, new sign-in from {{ login.location }}</p>')).version).toBe(2);
    expect((await edit('<p>Hello {{ user.name }}: {{ login.ip }}</p>')).version).toBe(3);
    // Saved from version 2 while 3 is current: someone else's save is not overwritten.
    const stale = await failure(
      h.client.send(emailV1.EditTemplateCommand, {
        ...staff,
        name,
        content: { ...original, html: '<p>{{ user.name }}</p>' },
        expectedVersion: 2,
      }),
    );
    expect((stale as Error).message).toMatch(/saved by someone else/);

    expect(await h.client.send(emailV1.ResetTemplateCommand, { ...staff, name })).toMatchObject({ version: 4 });
    const preview = await h.client.send(emailV1.PreviewTemplateCommand, { ...staff, name });
    expect(preview.version).toBe(4);
    expect(preview.html).toContain('Your account signed in from a place it has not signed in from before');
    const events = await h.store.read(templateRef(name));
    expect((events.at(-1)!.data as emailV1.TemplateReset).content).toMatchObject({ subject: original.subject, html: original.html });
  });

  it('Add Template creates a custom one; it has no default to reset to', async () => {
    const created = await h.client.send(emailV1.CreateTemplateCommand, {
      ...staff,
      name: 'promo.autumn',
      description: 'Autumn promotion',
      content: {
        subject: 'Autumn offer for {{ user.name }}',
        html: '<p>{{ user.name }}, 20% off</p>',
        tokens: [{ path: 'user.name', description: '', sampleJson: '"Ada"' }],
      },
    });
    expect(created).toMatchObject({ name: 'promo.autumn', version: 1 });
    expect(((await failure(h.client.send(emailV1.ResetTemplateCommand, { ...staff, name: 'promo.autumn' }))) as Error).message).toMatch(
      /custom template/,
    );
  });

  it('a preview renders a draft with its samples or given data, and shows a draft’s problems as a save would', async () => {
    const content = shippedContent('user.welcome');
    const preview = await h.client.send(emailV1.PreviewTemplateCommand, {
      ...staff,
      name: 'user.welcome',
      draft: { ...content, subject: 'Hey {{ user.name }}' },
      data: { user: { name: '<b>Grace</b>', email: 'g@x.test' }, console: { url: 'https://c' } },
    });
    expect(preview).toMatchObject({ subject: 'Hey <b>Grace</b>', version: 0 });
    expect(preview.html).toContain('Welcome, &lt;b&gt;Grace&lt;/b&gt;');
    const problem = await failure(
      h.client.send(emailV1.PreviewTemplateCommand, { ...staff, name: 'user.welcome', draft: { ...content, html: '{{ user.nmae }}' } }),
    );
    expect((problem as ValidationError).violations).toEqual([expect.objectContaining({ field: 'html', rule: 'unknown_token' })]);
  });
});

describe('the platform’s own emails', () => {
  it('a provisioning suspend that succeeds sends instance.suspended to the client, in the suspend’s correlation', async () => {
    const serviceId = `svc-${Date.now()}`;
    const ref = { context: 'provisioning' as const, type: 'service', id: serviceId };
    await h.append(ref, provisioningV1.ServiceRegisteredSchema, {
      serviceId,
      domain: 'ada.example.com',
      clientName: 'Ada Lovelace Ltd',
      username: 'ada',
      package: 'Business',
      panelServerId: 'p1',
      clientEmail: 'billing@ada.example.com',
      at: timestampFromDate(new Date()),
    });
    const succeeded = await h.append(
      ref,
      provisioningV1.ActionSucceededSchema,
      {
        serviceId,
        dispatchId: 'd1',
        action: provisioningV1.ProvisioningAction.SUSPEND,
        state: provisioningV1.ServiceState.SUSPENDED,
        attempts: 1,
        at: timestampFromDate(new Date()),
      },
      { correlationId: 'click-suspend-1' },
    );
    const queued = await h.queuedFor(succeeded.id);
    expect(queued.data).toMatchObject({
      template: 'instance.suspended',
      to: 'billing@ada.example.com',
      correlationId: 'click-suspend-1',
      causedByEventType: 'platform.provisioning.v1.ActionSucceeded',
      causedByEventId: succeeded.id,
      subject: 'Your hosting for ada.example.com is suspended',
    });
    expect(queued.correlationId).toBe('click-suspend-1');
    const events = await h.outcome((queued.data as emailV1.EmailQueued).emailId);
    expect(types(events)).toEqual(['EmailQueued', 'EmailSent']);
    expect(events.every((e) => e.correlationId === 'click-suspend-1')).toBe(true);
    expect((await received('billing@ada.example.com'))[0]!.body.html).toBe((queued.data as emailV1.EmailQueued).html);
  });

  it('a suspend of a service with no client email sends nothing', async () => {
    const serviceId = `svc-none-${Date.now()}`;
    const ref = { context: 'provisioning' as const, type: 'service', id: serviceId };
    await h.append(ref, provisioningV1.ServiceRegisteredSchema, {
      serviceId,
      domain: 'lin.example.com',
      clientName: 'Lin',
      username: 'lin',
      package: 'Business',
      panelServerId: 'p1',
      clientEmail: '',
    });
    const succeeded = await h.append(ref, provisioningV1.ActionSucceededSchema, {
      serviceId,
      dispatchId: 'd2',
      action: provisioningV1.ProvisioningAction.SUSPEND,
      state: provisioningV1.ServiceState.SUSPENDED,
    });
    await expect(h.queuedFor(succeeded.id, 2_000)).rejects.toThrow(/no email queued/);
  });

  it('a new customer gets user.welcome; a failed task’s user gets task.failed; each email is its cause’s, once', async () => {
    const accountId = `acc-${Date.now()}`;
    const created = await h.append({ context: 'identity', type: 'account', id: accountId }, identityV1.AccountCreatedSchema, {
      accountId,
      email: 'grace@example.test',
      name: 'Grace Hopper',
      role: identityV1.AccountRole.CUSTOMER,
    });
    const welcome = await h.queuedFor(created.id);
    expect(welcome.data).toMatchObject({ template: 'user.welcome', to: 'grace@example.test', correlationId: created.id });
    expect((welcome.data as emailV1.EmailQueued).html).toContain('Welcome, Grace Hopper');

    const taskId = `task-${Date.now()}`;
    const task = { context: 'tasks' as const, type: 'task', id: taskId };
    await h.append(task, tasksV1.TaskCreatedSchema, {
      taskId,
      type: 'instance.backup',
      target: { userId: accountId, hypervisorId: 'hv-1', instanceId: 'vm-grace' },
      attempt: 1,
    });
    const failed = await h.append(task, tasksV1.TaskFailedSchema, { taskId, error: 'disk attach failed: volume busy', retryable: true });
    const queued = await h.queuedFor(failed.id);
    expect(queued.data).toMatchObject({
      template: 'task.failed',
      to: 'grace@example.test',
      subject: 'A task on vm-grace failed: instance.backup',
    });
    expect((queued.data as emailV1.EmailQueued).html).toContain('disk attach failed: volume busy');
    expect(types(await h.outcome((queued.data as emailV1.EmailQueued).emailId))).toEqual(['EmailQueued', 'EmailSent']);
    // Its id comes from its cause: the same event again queues nothing new.
    expect((queued.data as emailV1.EmailQueued).emailId).toBe(emailIdFor(failed.id, 'task.failed', 'grace@example.test'));
  });
});

describe('Settings → Email', () => {
  it('a wrong secret shows as a credential error in Send test at once; the right one sends; no credential is on the stream', async () => {
    const wrongSecret = 'wrong-secret-do-not-leak-0001';
    const save = (secretAccessKey: string) =>
      h.client.send(settingsV1.ChangeEmailSettingsCommand, {
        ...staff,
        region: 'eu-west-1',
        endpoint: h.config.EMAIL_SES_ENDPOINT,
        sender: 'Ops@Example.test',
        accessKeyId: SIM_CREDENTIALS.accessKeyId,
        secretAccessKey,
      });
    expect(await save(wrongSecret)).toMatchObject({ section: 'email' });
    const began = Date.now();
    const test = await h.client.send(emailV1.SendTestEmailCommand, { ...staff, template: 'settings.test', to: 'admin@example.test' });
    expect(test).toMatchObject({ status: 'failed', providerCode: 'SignatureDoesNotMatch', responseCode: 403, permanent: true });
    expect(Date.now() - began).toBeLessThan(5_000);

    await save(SIM_CREDENTIALS.secretAccessKey);
    const ok = await h.client.send(emailV1.SendTestEmailCommand, { ...staff, template: 'settings.test', to: 'admin@example.test' });
    expect(ok).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    const [mail] = (await received('admin@example.test')).filter((m) => m.messageId === ok.providerMessageId);
    expect(mail).toMatchObject({ from: 'ops@example.test' });
    expect(mail!.body.html).toContain('SES in eu-west-1 from ops@example.test');

    // Everything the SETTINGS stream holds, as bytes: sealed, the key id only as its last four characters.
    const raw = await h.nats.jsm.streams.getMessage(streamName('settings', h.nats.prefix), {
      last_by_subj: `${h.nats.prefix}.evt.settings.section.email`,
    });
    const stored = new TextDecoder().decode(raw!.data);
    for (const secret of [wrongSecret, SIM_CREDENTIALS.secretAccessKey, SIM_CREDENTIALS.accessKeyId]) expect(stored).not.toContain(secret);
    expect(stored).toContain(SIM_CREDENTIALS.accessKeyId.slice(-4));
  });

  it('a bad section is a 400 naming each field', async () => {
    const error = await failure(
      h.client.send(settingsV1.ChangeEmailSettingsCommand, {
        ...staff,
        region: 'Europe',
        endpoint: 'https://user:pw@ses.example.test',
        sender: 'nobody',
        accessKeyId: 'AKIA1',
        secretAccessKey: '',
      }),
    );
    expect((error as ValidationError).violations.map((v) => v.field).sort()).toEqual(['endpoint', 'region', 'secretAccessKey', 'sender']);
  });
});
