import { dropContextSchemas, identityDb, seedAccounts } from '@opsledger/gateway/testing';
import { HypervisorSim } from '@opsledger/hypervisor-sim';
import { PanelSim } from '@opsledger/panel-sim';
import { SesSim } from '@opsledger/ses-sim';
import { createTemporalTestEnv, createTestDatabase, createTestNats, freePort, ServiceProcess } from '@opsledger/testing';
import { join } from 'node:path';
import { startEnforcedNats } from './enforced-nats';
import { readManifest, repoRoot, servedProcesses } from './manifest';

export const PANEL_SIM_TOKEN = 'panel-sim-test-token';
/** The credentials the test platform's SES simulator accepts, and its email service is configured with. */
export const SES_SIM_CREDENTIALS = { accessKeyId: 'ses-sim-test-key', secretAccessKey: 'ses-sim-test-secret' };

/**
 * The whole platform as the first-look command runs it (every service and
 * the gateway of services.manifest.json, as processes), but isolated for one
 * test: a prefix of its own for streams, subjects and schemas, a Temporal dev
 * server of its own, the simulators in this process (so a test can set their
 * faults and read what they received), and an admin and two customers seeded.
 */
export interface PlatformOptions {
  simLatencyMs?: number;
  /** Extra environment for a process, by its manifest name (e.g. `{ gateway: { CONSOLE_DIST: … } }`). */
  env?: Record<string, Record<string, string>>;
  /** Run on a NATS of its own that enforces deploy/nats/permissions.conf, each process as its own user. */
  natsPermissions?: boolean;
  /**
   * Run each process from its build (dist/<name>/main.mjs, plain node, prebuilt workflow bundles) or from
   * its TypeScript under tsx. Built by default when OPSLEDGER_RUN_BUILT=1, which only who has just run the
   * build sets (the e2e project's global setup, tools/dev/e2e-build.setup.ts): a dist/ left from an
   * earlier build is never run by mistake.
   */
  run?: 'built' | 'source';
}

/** The file a process of the manifest is started from. */
export const processMain = (entry: { name: string; entry: string }, run: 'built' | 'source') =>
  run === 'built' ? join(repoRoot, 'dist', entry.name, 'main.mjs') : entry.entry;

export async function startPlatform(options: PlatformOptions = {}) {
  const pg = await createTestDatabase();
  const enforced = options.natsPermissions ? await startEnforcedNats() : undefined;
  const nats = enforced ?? (await createTestNats());
  const { env: temporal } = await createTemporalTestEnv();
  const sim = new HypervisorSim({ latencyMs: options.simLatencyMs ?? 150 });
  await sim.start();
  const panelSim = new PanelSim({ token: PANEL_SIM_TOKEN });
  const panelUrls = await panelSim.start();
  const sesSim = new SesSim(SES_SIM_CREDENTIALS);
  const { url: sesUrl } = await sesSim.start();
  const env = {
    OPSLEDGER_PREFIX: nats.prefix,
    NATS_URL: nats.url,
    TEMPORAL_ADDRESS: temporal.address,
    HYPERVISOR_URL: sim.url,
    // The email service's provider until Settings → Email says otherwise.
    EMAIL_SES_ENDPOINT: sesUrl,
    EMAIL_SES_ACCESS_KEY_ID: SES_SIM_CREDENTIALS.accessKeyId,
    EMAIL_SES_SECRET_ACCESS_KEY: SES_SIM_CREDENTIALS.secretAccessKey,
    // As deployed: every command signed, every service checking (a test's own key).
    COMMAND_SIGNING_KEY: `platform-test-command-signing-key-${nats.prefix}`,
  };

  const run = options.run ?? (process.env.OPSLEDGER_RUN_BUILT === '1' ? 'built' : 'source');
  const manifest = servedProcesses(readManifest());
  const processes: Record<string, ServiceProcess> = {};
  const urls: Record<string, string> = {};
  const stop = async () => {
    await Promise.all(Object.values(processes).map((p) => p.stop('SIGKILL')));
    await Promise.all([sim.stop(), panelSim.stop(), sesSim.stop()]);
    await temporal.teardown();
    await dropContextSchemas(pg, nats.prefix);
    await nats.dispose();
    await pg.dispose();
  };
  // Before the gateway starts: it records AccountCreated for accounts that have none (as for accounts made before
  // accounts were events), so the Audit Log knows the seeded staff's email and role.
  const accounts = await seedAccounts(await identityDb(pg, nats.prefix)).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  for (const entry of manifest) {
    const port = await freePort();
    urls[entry.name] = `http://127.0.0.1:${port}`;
    processes[entry.name] = ServiceProcess.start(entry.name, processMain(entry, run), {
      ...env,
      ...entry.testEnv,
      ...enforced?.credentials(entry.name),
      [entry.portVariable]: String(port),
      ...options.env?.[entry.name],
    });
  }
  try {
    // From source, all processes compile their TypeScript at once on start; on a loaded 2-core CI machine the
    // first one has been seen to need more than a minute, so allow most of the e2e hook timeout (180 s).
    const deadline = Date.now() + 150_000;
    for (const entry of manifest) await processes[entry.name]!.waitReady(`${urls[entry.name]}/readyz`, deadline - Date.now());
    /** The environment the operator CLI needs on this platform's NATS. */
    const cliEnv = { ...env, ...enforced?.credentials('cli') };
    return { url: urls.gateway!, urls, processes, env, cliEnv, sim, panelSim, panelUrls, sesSim, accounts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
