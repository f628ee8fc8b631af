import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { testEnv, uniqueToken } from './env';

/**
 * A Temporal dev server of the test's own, started from the `temporal` CLI
 * the project installs (never the SDK's download, which cannot reach the
 * web here), and a task queue no other test uses.
 */
export async function createTemporalTestEnv(): Promise<{ env: TestWorkflowEnvironment; taskQueue: string }> {
  if (!existsSync(testEnv.temporalCli)) {
    throw new Error(
      `Temporal CLI not found at ${testEnv.temporalCli}: \`npm test\` or \`npm start\` builds it once with go install ` +
        `(ensure_temporal_cli in tools/dev/lib.sh), or set TEMPORAL_CLI to one you have`,
    );
  }
  quietRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testEnv.temporalCli }, ip: '127.0.0.1', log: { format: 'pretty', level: 'warn' } },
  });
  return { env, taskQueue: `test-${uniqueToken()}` };
}

let runtimeInstalled = false;

/** Worker state changes at INFO drown test output; warnings and errors still show. */
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}
