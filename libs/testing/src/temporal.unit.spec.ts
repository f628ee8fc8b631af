import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { repoRoot } from './env';

it('a missing Temporal CLI is reported with a way to install it that exists in this repository', async () => {
  vi.stubEnv('TEMPORAL_CLI', '/nonexistent/temporal');
  vi.resetModules();
  const { createTemporalTestEnv } = await import('./temporal');
  const error = (await createTemporalTestEnv().catch((e: unknown) => e)) as Error;
  vi.unstubAllEnvs();
  expect(error.message).toContain('/nonexistent/temporal');
  const named = [...error.message.matchAll(/\b((?:tools|libs)\/[\w./-]+\.(?:sh|ts))\b/g)].map((m) => m[1]!);
  expect(named.length).toBeGreaterThan(0);
  for (const path of named) expect(existsSync(join(repoRoot, path)), path).toBe(true);
});
