import { create } from '@bufbuild/protobuf';
import { tasksV1 } from '@opsledger/contracts';
import { v7 as uuidv7 } from 'uuid';
import type { AppendContext, NewEvent } from '../event';

export const systemContext: AppendContext = { actor: { kind: 'system', id: 'test' }, source: 'system' };

export function taskCreated(taskId: string, type = 'instance.deploy'): NewEvent {
  return { id: uuidv7(), occurredAt: new Date(), data: create(tasksV1.TaskCreatedSchema, { taskId, type, attempt: 1 }) };
}

export function taskProgressed(taskId: string, percent: number): NewEvent {
  return { id: uuidv7(), occurredAt: new Date(), data: create(tasksV1.TaskProgressedSchema, { taskId, percent }) };
}

export function taskLogged(taskId: string, text: string): NewEvent {
  return { id: uuidv7(), occurredAt: new Date(), data: create(tasksV1.TaskLoggedSchema, { taskId, text }) };
}
