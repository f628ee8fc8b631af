import type { AggregateRef } from '@opsledger/contracts';

export const taskRef = (taskId: string): AggregateRef => ({ context: 'tasks', type: 'task', id: taskId });
