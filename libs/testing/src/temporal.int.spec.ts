import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTemporalTestEnv } from './temporal';
import { createGreetActivities } from './test-fixtures/greet.activities';
import { greetWorkflow } from './test-fixtures/greet.workflow';

let env: TestWorkflowEnvironment;
let taskQueue: string;

beforeAll(async () => {
  ({ env, taskQueue } = await createTemporalTestEnv());
});
afterAll(() => env?.teardown());

it('runs a workflow with one activity on the local Temporal server binary, retried by its policy', async () => {
  const attempts: number[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./test-fixtures/greet.workflow.ts', import.meta.url)),
    activities: createGreetActivities({ attempts }),
  });
  const result = await worker.runUntil(
    env.client.workflow.execute(greetWorkflow, { taskQueue, workflowId: `greet-${taskQueue}`, args: ['operator'] }),
  );
  expect(result).toBe('hello operator');
  expect(attempts).toEqual([1, 2]);
});
