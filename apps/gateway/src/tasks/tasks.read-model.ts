import { readModelOf } from '../projections/read-model';
import type { TasksReadModel as TasksTables } from './task-tables';

/** The tasks schema: the task list and its log lines. */
export const TasksReadModel = readModelOf<TasksTables>('tasks');
