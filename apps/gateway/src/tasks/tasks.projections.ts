import { Inject, Injectable } from '@nestjs/common';
import type { LiveHub } from '../live/live-hub';
import type { ProjectionEntry } from '../projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource } from '../projections/read-model';
import { publishTaskNotices } from './task-notices';
import { taskListProjection } from './task-list.projection';
import type { TasksReadModel as TasksTables } from './task-tables';
import { TasksReadModel } from './tasks.read-model';

@ContributesProjections()
@Injectable()
export class TasksProjections implements ProjectionSource {
  constructor(@Inject(TasksReadModel) private readonly readModel: ContextReadModel<TasksTables>) {}

  projections(hub: LiveHub): ProjectionEntry[] {
    return [{ projection: taskListProjection(this.readModel.schema), onCommitted: publishTaskNotices(this.readModel.db, hub) }];
  }
}
