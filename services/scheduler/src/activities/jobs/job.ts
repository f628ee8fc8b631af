import type { JetStreamManager } from '@nats-io/jetstream';
import { ActorKind, Source } from '@opsledger/contracts';
import type { AppendContext, EventStore } from '@opsledger/eventstore';
import type { CommandClient } from '@opsledger/messaging';
import type { Kysely } from 'kysely';
import type { JobDeclaration } from '../../domain/job-registry';

/** What a job's body gets from the run it is part of. */
export interface JobIo {
  runId: string;
  jobId: string;
  /** When the schedule meant the run for (a manual run: when it was asked for). */
  scheduledAt: Date;
  manual: boolean;
  /** 1 on the first attempt; more when Temporal retries the run's activity after its worker was lost. */
  attempt: number;
  /** One line (or several) into the run's output, as the operator will read it. */
  print(line: string): void;
  /** What an earlier attempt of this run saved with `saveProgress`, undefined on the first attempt. */
  readonly progress: unknown;
  /** Kept with the heartbeat, so a retried attempt knows what is done. */
  saveProgress(value: unknown): void;
  /** Aborted when the run is cut off (its maximum run time) or cancelled: stop between steps. */
  signal: AbortSignal;
}

/** A job's body: does the work through commands and events, prints what it did, throws when it failed. */
export type JobBody = (io: JobIo) => Promise<void>;

export interface ScheduledJob {
  declaration: JobDeclaration;
  run: JobBody;
}

/** What the jobs' bodies are built with. */
export interface JobDeps {
  commands: CommandClient;
  store: EventStore;
  /** The service pool and the scheduler's private schema (its lookups). */
  db: Kysely<any>;
  schema: string;
  /** JetStream's management API (connected on first use). */
  jsm: () => Promise<JetStreamManager>;
  prefix: string;
  newId: () => string;
  now: () => Date;
}

/** The scheduler acts as the system: commands it sends and events it appends say so. */
export const SCHEDULER_ACTOR = { userId: 'scheduler', kind: ActorKind.SYSTEM };
export const SCHEDULER_SOURCE = Source.SYSTEM;
export const SCHEDULER_CONTEXT: AppendContext = { actor: { kind: 'system', id: 'scheduler' }, source: 'system' };
