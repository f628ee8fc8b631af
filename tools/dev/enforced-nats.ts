import { NatsServerProcess, uniqueToken } from '@opsledger/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_USERS, passwordVariable, renderNatsPermissions } from './nats-permissions';

/**
 * A nats-server of a test's own that enforces deploy/nats/permissions.conf's rules, rendered for the test's prefix,
 * with a fresh password per user: the test platform runs every process as its own user on it, as Kubernetes does.
 */
export async function startEnforcedNats() {
  const prefix = `t${uniqueToken()}`;
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-nats-conf-'));
  const config = join(dir, 'permissions.conf');
  writeFileSync(config, renderNatsPermissions(prefix));
  // A letter first: nats-server reads the value as a config token.
  const passwords = Object.fromEntries(Object.keys(NATS_USERS).map((user) => [user, `p${randomBytes(16).toString('hex')}`]));
  const server = await NatsServerProcess.start({
    config,
    env: Object.fromEntries(Object.entries(passwords).map(([user, password]) => [passwordVariable(user), password])),
  });
  return {
    url: server.url,
    prefix,
    /** The environment that makes a process connect as `user`. */
    credentials: (user: string) => {
      const password = passwords[user];
      if (!password) throw new Error(`no NATS user ${user} in tools/dev/nats-permissions.ts`);
      return { NATS_USER: user, NATS_PASSWORD: password };
    },
    async dispose() {
      await server.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
