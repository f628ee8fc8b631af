// The SES v2 simulator as a process, for the first-look stack: SES_SIM_PORT (3400), SES_SIM_ACCESS_KEY_ID
// and SES_SIM_SECRET_ACCESS_KEY (the credentials it accepts; the email service's development defaults).
import { SesSim } from './ses-sim';

const sim = new SesSim({
  accessKeyId: process.env.SES_SIM_ACCESS_KEY_ID ?? 'ses-sim-access-key',
  secretAccessKey: process.env.SES_SIM_SECRET_ACCESS_KEY ?? 'ses-sim-secret-key',
  port: Number(process.env.SES_SIM_PORT ?? 3400),
});
const { url } = await sim.start();
console.log(`SES v2 simulator on ${url} (received mail: ${url}/ and ${url}/store)`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void sim.stop().then(() => process.exit(0)));
