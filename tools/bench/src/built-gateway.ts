import { buildAll, builtMain } from '@opsledger/dev/build';
import { imageRuntime } from '@opsledger/dev/image-runtime';
import { readManifest } from '@opsledger/dev/manifest';
import { freePort, ServiceProcess, testEnv } from '@opsledger/testing';
import { readFileSync } from 'node:fs';

/**
 * A gateway process as the image runs it (built, the image's node flags and malloc settings) on the bench's own
 * prefix and database, answering /readyz when returned (stopped again if it never does).
 */
export async function startBuiltGateway(nats: { prefix: string; url: string }, env: Record<string, string> = {}) {
  await buildAll(readManifest().filter((p) => p.name === 'gateway'));
  const image = imageRuntime();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedAt = Date.now();
  const process = ServiceProcess.start('gateway', builtMain('gateway'), {
    ...image.env,
    NODE_OPTIONS: image.nodeFlags.join(' '),
    OPSLEDGER_PREFIX: nats.prefix,
    NATS_URL: nats.url,
    DATABASE_URL: testEnv.databaseUrl,
    GATEWAY_PORT: String(port),
    ...env,
  });
  try {
    await process.waitReady(`${url}/readyz`, 120_000);
  } catch (error) {
    await process.stop();
    throw error;
  }
  /** The process's resident set now, in MB (VmRSS). */
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${process.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return { process, url, port, startedAt, nodeFlags: image.nodeFlags, rss };
}
