import type { CommandHandler } from '@opsledger/messaging';
import { changeJobScheduleHandler } from './change-job-schedule.handler';
import type { JobCommandDeps } from './execute-job-command';
import { pauseJobHandler, resumeJobHandler, runJobNowHandler } from './job-lifecycle.handlers';
import { setInstanceBackupHandler, type SetInstanceBackupDeps } from './set-instance-backup.handler';

/** Every command the scheduler answers on cmd.scheduler.*. */
export const schedulerCommandHandlers = (deps: JobCommandDeps & SetInstanceBackupDeps): CommandHandler[] => [
  runJobNowHandler(deps),
  pauseJobHandler(deps),
  resumeJobHandler(deps),
  changeJobScheduleHandler(deps),
  setInstanceBackupHandler(deps),
];
