import { activityInfo } from '@temporalio/activity';

/** Built with its dependencies, as every activity set is. Fails its first attempt so the test sees Temporal's retry policy at work. */
export function createGreetActivities(deps: { attempts: number[] }) {
  return {
    async greet(name: string): Promise<string> {
      const { attempt } = activityInfo();
      deps.attempts.push(attempt);
      if (attempt === 1) throw new Error('hypervisor busy, try again');
      return `hello ${name}`;
    },
  };
}
