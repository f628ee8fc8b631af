import type { tasksV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import type { TasksReadModel } from './task-tables';
import type { LiveHub } from '../live/live-hub';

/**
 * After a task-list batch commits: one notice per task it touched, tagged with the task's owner. A task the batch
 * created names its owner in its TaskCreated event; only the others' owners are read, so a batch of new tasks is
 * announced without another round trip to the database.
 */
export function publishTaskNotices(db: Kysely<TasksReadModel>, hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    const created = new Map<string, string>();
    for (const e of events)
      if (e.type === 'platform.tasks.v1.TaskCreated') created.set(e.aggregateId, (e.data as tasksV1.TaskCreated).target?.userId ?? '');
    const others = [...new Set(events.map((e) => e.aggregateId))].filter((id) => !created.has(id));
    const owners = others.length ? await db.selectFrom('task').select(['id', 'user_id']).where('id', 'in', others).execute() : [];
    for (const [id, ownerId] of created) hub.publish({ resource: 'tasks', id, change: 'created', ownerId });
    for (const { id, user_id } of owners) hub.publish({ resource: 'tasks', id, change: 'updated', ownerId: user_id });
  };
}
