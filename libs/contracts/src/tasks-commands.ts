import type { CommandDefinition } from './command-definition';
import {
  CancelTaskSchema,
  DescribeWorkersResultSchema,
  DescribeWorkersSchema,
  CreateTaskResultSchema,
  CreateTaskSchema,
  RetryTaskSchema,
  TaskCommandResultSchema,
} from './gen/platform/tasks/v1/commands_pb';

export const CreateTaskCommand = {
  context: 'tasks',
  name: 'create-task',
  command: CreateTaskSchema,
  result: CreateTaskResultSchema,
} satisfies CommandDefinition;

export const CancelTaskCommand = {
  context: 'tasks',
  name: 'cancel-task',
  command: CancelTaskSchema,
  result: TaskCommandResultSchema,
} satisfies CommandDefinition;

export const RetryTaskCommand = {
  context: 'tasks',
  name: 'retry-task',
  command: RetryTaskSchema,
  result: TaskCommandResultSchema,
} satisfies CommandDefinition;

export const DescribeWorkersCommand = {
  context: 'tasks',
  name: 'describe-workers',
  command: DescribeWorkersSchema,
  result: DescribeWorkersResultSchema,
} satisfies CommandDefinition;
