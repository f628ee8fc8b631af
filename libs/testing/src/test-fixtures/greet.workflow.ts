import { proxyActivities } from '@temporalio/workflow';
import type { createGreetActivities } from './greet.activities';

const { greet } = proxyActivities<ReturnType<typeof createGreetActivities>>({
  startToCloseTimeout: '10 seconds',
  // maximumAttempts counts the first attempt: one try and two retries.
  retry: { maximumAttempts: 3, initialInterval: '50 milliseconds' },
});

export async function greetWorkflow(name: string): Promise<string> {
  return greet(name);
}
