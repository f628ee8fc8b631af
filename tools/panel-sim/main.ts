// The simulator as a process, for the first-look stack: PANEL_SIM_TOKEN, PANEL_SIM_HTTP_PORT (3300), PANEL_SIM_HTTPS_PORT (3301).
import { PanelSim } from './panel-sim';

const sim = new PanelSim({
  token: process.env.PANEL_SIM_TOKEN ?? 'panel-sim-token',
  httpPort: Number(process.env.PANEL_SIM_HTTP_PORT ?? 3300),
  httpsPort: Number(process.env.PANEL_SIM_HTTPS_PORT ?? 3301),
});
const { httpUrl, httpsUrl } = await sim.start();
console.log(`hosting panel simulator on ${httpUrl} and ${httpsUrl} (self-signed)`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void sim.stop().then(() => process.exit(0)));
