import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { eventRegistry, loginsV1, provisioningV1, streamName, tasksV1 } from '@opsledger/contracts';
import { decodeEvent, EventStore } from '@opsledger/eventstore';
import type { TestNats } from '@opsledger/testing';
import { v7 as uuidv7 } from 'uuid';

/** Appends a TaskCreated the way the tasks service would. */
export async function createTaskEvent(nats: TestNats, task: { id: string; userId: string; type?: string; at?: Date }) {
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const at = task.at ?? new Date();
  const data = create(tasksV1.TaskCreatedSchema, {
    taskId: task.id,
    type: task.type ?? 'instance.deploy',
    target: { userId: task.userId, hypervisorId: 'hv-1', instanceId: `vm-${task.id}` },
    attempt: 1,
    createdAt: timestampFromDate(at),
  });
  return store.append({ context: 'tasks', type: 'task', id: task.id }, [{ id: uuidv7(), data, occurredAt: at }], 0, {
    actor: { kind: 'system', id: 'test' },
    source: 'system',
  });
}

/** Every event on one of the test's streams, in order, as stored (type, raw bytes as text, decoded data, headers). */
export async function streamEvents(nats: TestNats, context: Parameters<typeof streamName>[0]) {
  const stream = streamName(context, nats.prefix);
  const info = await nats.jsm.streams.info(stream);
  const out: { type: string; raw: string; data: unknown; actor: string }[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await nats.js.consumers.get(stream);
  try {
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
    for await (const m of batch) {
      const event = decodeEvent(eventRegistry, m);
      out.push({ type: event.type, raw: new TextDecoder().decode(m.data), data: event.data, actor: m.headers?.get('Ops-Actor') ?? '' });
      if (m.info.pending === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return out;
}

/** Every LoginAttempted on the test's LOGINS stream, in order. */
export async function loginEvents(nats: TestNats): Promise<loginsV1.LoginAttempted[]> {
  const stream = streamName('logins', nats.prefix);
  const info = await nats.jsm.streams.info(stream);
  if (info.state.messages === 0) return [];
  const consumer = await nats.js.consumers.get(stream);
  const out: loginsV1.LoginAttempted[] = [];
  try {
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 1_000 });
      let received = 0;
      for await (const m of batch) {
        received++;
        out.push(decodeEvent(eventRegistry, m).data as loginsV1.LoginAttempted);
        if (m.info.pending === 0) return out;
      }
      if (received === 0) return out;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

/** Appends a ProvisioningAttemptRecorded the way the provisioning worker would (payloads already redacted). */
export async function recordAttemptEvent(
  nats: TestNats,
  entry: { id: string; domain: string; success: boolean; diagnosisCode?: string; at?: Date },
) {
  const store = new EventStore(nats.js, nats.jsm, eventRegistry, nats.prefix);
  const at = entry.at ?? new Date();
  const data = create(provisioningV1.ProvisioningAttemptRecordedSchema, {
    attemptId: entry.id,
    serviceId: `svc-${entry.domain}`,
    dispatchId: `d-${entry.id}`,
    domain: entry.domain,
    clientName: 'Ada Ltd',
    action: provisioningV1.ProvisioningAction.CREATE,
    attempt: 1,
    success: entry.success,
    requestJson: JSON.stringify({
      method: 'POST',
      url: 'https://panel/json-api/v1/accounts',
      headers: { authorization: '[redacted]' },
      body: { username: 'ada', password: '[redacted]' },
    }),
    responseJson: JSON.stringify(
      entry.success ? { status: 201, body: { result: 'ok' } } : { status: 401, body: { error: 'Access denied: invalid API token' } },
    ),
    durationMs: 42,
    diagnosisCode: entry.diagnosisCode ?? '',
    cause: entry.diagnosisCode ? 'the panel refused the API token (401)' : '',
    fix: entry.diagnosisCode ? 'set the panel server’s API token to a valid one' : '',
    at: timestampFromDate(at),
  });
  return store.append({ context: 'provisioning', type: 'attempt', id: entry.id }, [{ id: uuidv7(), data, occurredAt: at }], 0, {
    actor: { kind: 'system', id: 'test' },
    source: 'system',
  });
}
