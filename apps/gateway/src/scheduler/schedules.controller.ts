import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { schedulerV1 } from '@opsledger/contracts';
import { CommandClient, NotFoundError, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { commandActor } from '../api/command-actor';
import { ListController } from '../api/list/list-controller';
import { AdminOnly } from '../auth/auth.guard';
import type { JobRunRow } from './scheduler-tables';
import { SchedulerReadModel } from './scheduler.read-model';
import { schedulesResource } from './schedules.resource';

/** How many runs the show view lists: enough to see a pattern, few enough to read. */
export const RECENT_RUNS = 20;

// Types only at the door; the scheduler service owns the rules (cron syntax, zones, states).
const noteBody = z.object({ note: z.string('must be text').max(500).optional() });
const scheduleBody = z.object({ cron: z.string('must be text'), timezone: z.string('must be text').optional() });

const runJson = (run: JobRunRow) => ({
  id: run.id,
  jobId: run.job_id,
  trigger: run.trigger,
  scheduledAt: run.scheduled_at,
  startedAt: run.started_at,
  finishedAt: run.finished_at,
  result: run.result,
  durationMs: run.duration_ms,
  output: run.output,
  outputTruncated: run.output_truncated,
  detail: run.detail,
  workflowId: run.workflow_id,
});

/** Every recurring job (admin only): its schedule and health, its last runs with their output, Run now, pause/resume, cron edits. */
@AdminOnly()
@Controller('api/schedules')
export class SchedulesController extends ListController(schedulesResource, SchedulerReadModel, 'scheduled job') {
  constructor(@Inject(CommandClient) private readonly commands: CommandClient) {
    super();
  }

  /** The job with its last twenty runs, newest first, each with its output. */
  protected override async detail(job: Record<string, unknown>) {
    const runs = await this.readModel.db
      .selectFrom('job_run')
      .selectAll()
      .where('job_id', '=', String(job.id))
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(RECENT_RUNS)
      .execute();
    return { ...job, runs: runs.map(runJson) };
  }

  @Get(':id/runs/:runId')
  async run(@Param('id') id: string, @Param('runId') runId: string) {
    const run = await this.readModel.db
      .selectFrom('job_run')
      .selectAll()
      .where('id', '=', runId)
      .where('job_id', '=', id)
      .executeTakeFirst();
    if (!run) throw new NotFoundError(`run ${runId} of ${id} not found`);
    return runJson(run);
  }

  /** Run now: a run outside the schedule, with the job's stored arguments; the schedule itself is unchanged. */
  @Post(':id/run')
  @HttpCode(202)
  async runNow(@Param('id') id: string, @Req() req: Request) {
    const result = await this.commands.send(schedulerV1.RunJobNowCommand, { ...commandActor(req), jobId: id });
    return { id, requestId: result.requestId, version: Number(result.version) };
  }

  @Post(':id/pause')
  @HttpCode(200)
  async pause(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const { note } = validate(noteBody, body ?? {});
    const result = await this.commands.send(schedulerV1.PauseJobCommand, { ...commandActor(req), jobId: id, note: note ?? '' });
    return { id, paused: true, version: Number(result.version) };
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const { note } = validate(noteBody, body ?? {});
    const result = await this.commands.send(schedulerV1.ResumeJobCommand, { ...commandActor(req), jobId: id, note: note ?? '' });
    return { id, paused: false, version: Number(result.version) };
  }

  /** A new cron (five fields) and zone (IANA, UTC when left out); a bad one is a 400 naming it and why. */
  @Patch(':id')
  @HttpCode(200)
  async changeSchedule(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const { cron, timezone } = validate(scheduleBody, body ?? {});
    const result = await this.commands.send(schedulerV1.ChangeJobScheduleCommand, {
      ...commandActor(req),
      jobId: id,
      cron,
      timezone: timezone ?? 'UTC',
    });
    return { id, cron, timezone: timezone ?? 'UTC', version: Number(result.version) };
  }
}
