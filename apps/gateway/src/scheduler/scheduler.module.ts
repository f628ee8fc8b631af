import { Module } from '@nestjs/common';
import { SchedulerStatusController } from './scheduler-status.controller';
import { SchedulerProjections } from './scheduler.projections';
import { SchedulerReadModel } from './scheduler.read-model';
import { SchedulesController } from './schedules.controller';

/** The Scheduler page: every recurring job, its health and its runs, and the commands that steer it. */
@Module({
  controllers: [SchedulesController, SchedulerStatusController],
  providers: [SchedulerReadModel, SchedulerProjections],
})
export class SchedulerModule {}
