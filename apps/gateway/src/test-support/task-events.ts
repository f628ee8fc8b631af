import { create } from '@bufbuild/protobuf';
import { tasksV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import { storedEvents } from './stored-events';

/** A task's life as the task list receives it, for specs that project or plan it without a stream (see storedEvents). */
export function taskEvents(options: Parameters<typeof storedEvents>[2] = {}) {
  const event = storedEvents('tasks', 'task', options);
  return {
    created: (id: string): StoredEvent =>
      event(
        id,
        create(tasksV1.TaskCreatedSchema, {
          taskId: id,
          type: 'instance.deploy',
          attempt: 1,
          target: { userId: 'u', hypervisorId: 'h', instanceId: `inst-${id}` },
        }),
      ),
    started: (id: string) => event(id, create(tasksV1.TaskStartedSchema, { taskId: id })),
    progressed: (id: string, percent: number) => event(id, create(tasksV1.TaskProgressedSchema, { taskId: id, percent })),
    logged: (id: string, text: string) => event(id, create(tasksV1.TaskLoggedSchema, { taskId: id, text, step: 's' })),
    failed: (id: string, retryable = true) => event(id, create(tasksV1.TaskFailedSchema, { taskId: id, error: `${id} broke`, retryable })),
    retried: (id: string) => event(id, create(tasksV1.TaskRetriedSchema, { taskId: id, attempt: 2 })),
    completed: (id: string) => event(id, create(tasksV1.TaskCompletedSchema, { taskId: id })),
  };
}
