// Global setup of the e2e project (vitest.config.ts): builds every process
// (tools/dev/build.ts; seconds when little changed, as it rebuilds only what
// did) and tells the test platform to run the build. Building here, rather
// than trusting a dist/ that is there, means a test never runs code older
// than the sources it is testing, however vitest was started.
import { buildAll } from './build';

export default async function setup() {
  await buildAll();
  process.env.OPSLEDGER_RUN_BUILT = '1';
}
