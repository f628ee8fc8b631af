import { Module } from '@nestjs/common';
import { TasksController } from './tasks.controller';
import { TasksProjections } from './tasks.projections';
import { TasksReadModel } from './tasks.read-model';
import { WorkersController } from './workers.controller';

/** The Tasks page: its read model and projection, its list and commands, and the worker status behind the "no worker" banner. */
@Module({
  controllers: [TasksController, WorkersController],
  providers: [TasksReadModel, TasksProjections],
})
export class TasksModule {}
