import { defineConfig } from 'vitest/config';

const roots = '{libs,services,apps,tools}';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { name: 'unit', include: [`${roots}/**/*.unit.spec.ts`] } },
      {
        test: {
          name: 'int',
          include: [`${roots}/**/*.int.spec.ts`],
          // Real Postgres, NATS and Temporal: slower than unit tests, but each
          // file isolates itself, so files still run in parallel.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: [`${roots}/**/*.e2e.spec.ts`],
          // Builds the processes the test platform starts (node dist/<name>/main.mjs, as deployed).
          globalSetup: ['tools/dev/e2e-build.setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
