import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { tasksV1 } from '@opsledger/contracts';
import type { EventStore } from '@opsledger/eventstore';
import { v7 as uuidv7 } from 'uuid';

/** A task created as the tasks service records it (its TaskCreated, the stream's first event): what the API-facing benchmarks send. */
export function createTask(store: EventStore, taskId: string, userId: string, instanceId: string) {
  const data = create(tasksV1.TaskCreatedSchema, {
    taskId,
    type: 'instance.deploy',
    target: { userId, hypervisorId: 'hv-1', instanceId },
    attempt: 1,
    createdAt: timestampFromDate(new Date()),
  });
  return store.append({ context: 'tasks', type: 'task', id: taskId }, [{ id: uuidv7(), data, occurredAt: new Date() }], 0, {
    actor: { kind: 'system', id: 'bench' },
    source: 'system',
  });
}
