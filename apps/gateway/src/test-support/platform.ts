import { HypervisorSim } from '@opsledger/hypervisor-sim';
import { PanelSim } from '@opsledger/panel-sim';
import { createTemporalTestEnv, createTestDatabase, createTestNats, freePort, ServiceProcess } from '@opsledger/testing';
import { dropContextSchemas, identityDb, seedAccounts } from './test-gateway';

/**
 * The whole platform as the first-look command runs it, but isolated for
 * one test: a Temporal dev server of its own, the hypervisor simulator, and
 * the panel simulator, and the tasks and provisioning services and the
 * gateway as processes on a prefix of their own, with an admin and two
 * customers seeded.
 */
export const PANEL_SIM_TOKEN = 'panel-sim-test-token';

export async function startPlatform(options: { simLatencyMs?: number; gatewayEnv?: Record<string, string> } = {}) {
  const pg = await createTestDatabase();
  const nats = await createTestNats();
  const { env: temporal } = await createTemporalTestEnv();
  const sim = new HypervisorSim({ latencyMs: options.simLatencyMs ?? 150 });
  await sim.start();
  const panelSim = new PanelSim({ token: PANEL_SIM_TOKEN });
  const panelUrls = await panelSim.start();
  const ports = { tasks: await freePort(), provisioning: await freePort(), gateway: await freePort() };
  const env = { OPSLEDGER_PREFIX: nats.prefix, NATS_URL: nats.url, TEMPORAL_ADDRESS: temporal.address, HYPERVISOR_URL: sim.url };
  const tasks = ServiceProcess.start('tasks', 'services/tasks/src/main.ts', { ...env, TASKS_PORT: String(ports.tasks) });
  const provisioning = ServiceProcess.start('provisioning', 'services/provisioning/src/main.ts', {
    ...env,
    PROVISIONING_PORT: String(ports.provisioning),
    PROVISIONING_RETRY_INITIAL_MS: '200',
  });
  const gateway = ServiceProcess.start('gateway', 'apps/gateway/src/main.ts', {
    ...env,
    GATEWAY_PORT: String(ports.gateway),
    ...options.gatewayEnv,
  });
  const url = `http://127.0.0.1:${ports.gateway}`;
  const stop = async () => {
    await Promise.all([tasks.stop('SIGKILL'), provisioning.stop('SIGKILL'), gateway.stop('SIGKILL')]);
    await Promise.all([sim.stop(), panelSim.stop()]);
    await temporal.teardown();
    await dropContextSchemas(pg, nats.prefix);
    await nats.dispose();
    await pg.dispose();
  };
  try {
    await tasks.waitReady(`http://127.0.0.1:${ports.tasks}/readyz`);
    await provisioning.waitReady(`http://127.0.0.1:${ports.provisioning}/readyz`);
    await gateway.waitReady(`${url}/readyz`);
    const accounts = await seedAccounts(await identityDb(pg, nats.prefix));
    return {
      url,
      tasksUrl: `http://127.0.0.1:${ports.tasks}`,
      provisioningUrl: `http://127.0.0.1:${ports.provisioning}`,
      tasks,
      provisioning,
      gateway,
      sim,
      panelSim,
      panelUrls,
      accounts,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
