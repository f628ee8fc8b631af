import { Controller, Get, Inject } from '@nestjs/common';
import { AdminOnly } from '../auth/auth.guard';
import type { ContextReadModel } from '../projections/read-model';
import type { SchedulerTables } from './scheduler-tables';
import { SchedulerReadModel } from './scheduler.read-model';

/**
 * GET /api/scheduler/status: the page's banner. When every job that should
 * be running is overdue or has never run, the trouble is not any one job but
 * the runner: the seed's silent failure, said out loud.
 */
@AdminOnly()
@Controller('api/scheduler/status')
export class SchedulerStatusController {
  constructor(@Inject(SchedulerReadModel) private readonly readModel: ContextReadModel<SchedulerTables>) {}

  @Get()
  async status() {
    const rows = await this.readModel.db.selectFrom('schedule').select(['health']).execute();
    const count = (health: string) => rows.filter((r) => r.health === health).length;
    const active = rows.filter((r) => r.health !== 'paused').length;
    const late = count('overdue') + count('never_ran');
    const runnerSilent = active > 0 && late === active;
    return {
      jobs: rows.length,
      paused: count('paused'),
      overdue: count('overdue'),
      neverRan: count('never_ran'),
      failing: count('last_run_failed'),
      runningTooLong: count('running_too_long'),
      runnerSilent,
      message: runnerSilent
        ? 'No scheduled job has started on time: the scheduler service or its Temporal worker is not running. ' +
          'Start the platform with `npm start` (or check the `scheduler` Deployment), and check that a worker polls the `scheduler` task queue in the Temporal UI.'
        : null,
    };
  }
}
