import type { StoredEvent } from '@opsledger/eventstore';
import type { Kysely } from 'kysely';
import type { TasksReadModel } from './task-tables';
import type { LiveHub } from '../live/live-hub';

/** After a task-list batch commits: one notice per task it touched, tagged with the task's owner. */
export function publishTaskNotices(db: Kysely<TasksReadModel>, hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    const created = new Set(events.filter((e) => e.type === 'platform.tasks.v1.TaskCreated').map((e) => e.aggregateId));
    const ids = [...new Set(events.map((e) => e.aggregateId))];
    const owners = await db.selectFrom('task').select(['id', 'user_id']).where('id', 'in', ids).execute();
    for (const { id, user_id } of owners)
      hub.publish({ resource: 'tasks', id, change: created.has(id) ? 'created' : 'updated', ownerId: user_id });
  };
}
