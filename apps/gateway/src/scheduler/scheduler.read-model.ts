import { readModelOf } from '../projections/read-model';
import type { SchedulerTables } from './scheduler-tables';

/** The scheduler schema: jobs, their runs, and the `schedule` view with each job's health. */
export const SchedulerReadModel = readModelOf<SchedulerTables>('scheduler');
