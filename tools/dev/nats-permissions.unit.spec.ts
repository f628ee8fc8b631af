import { CONTEXTS } from '@opsledger/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readManifest, repoRoot, servedProcesses } from './manifest';
import { NATS_USERS, renderNatsPermissions } from './nats-permissions';

it('deploy/nats/permissions.conf is the one rendered from the table (npm run nats:permissions)', () => {
  expect(readFileSync(join(repoRoot, 'deploy/nats/permissions.conf'), 'utf8')).toBe(renderNatsPermissions());
});

it('every process that connects to NATS has a user, and every context some user that appends its events', () => {
  for (const process of servedProcesses(readManifest())) expect(NATS_USERS, process.name).toHaveProperty(process.name);
  const appended = Object.values(NATS_USERS).flatMap((u) => u.appends.map((s) => s.split('.')[0]));
  for (const context of CONTEXTS) expect(appended, context).toContain(context);
});

it('a stream has at most one owner: only it may reconfigure or purge it', () => {
  const owners = Object.values(NATS_USERS).flatMap((u) => u.owns);
  expect(new Set(owners).size).toBe(owners.length);
});
