import type { JobDeclaration } from './job-registry';

/**
 * Commands the job aggregate decides on. Time and ids are given, never read
 * from a clock or a generator, so a decision is a pure function of state and
 * command. Cron and zone arrive already validated (cron.ts) by the handler.
 */
export type JobCommand =
  | { kind: 'RegisterJob'; declaration: JobDeclaration; now: Date }
  | { kind: 'ChangeJobSchedule'; cron: string; /** '' keeps the job's zone. */ timezone: string; now: Date }
  | { kind: 'PauseJob'; note: string; now: Date }
  | { kind: 'ResumeJob'; note: string; now: Date }
  | { kind: 'RunJobNow'; requestId: string; now: Date };
