// The simulator as a process, for the first-look stack: HYPERVISOR_SIM_PORT (3200), HYPERVISOR_SIM_LATENCY_MS (300).
import { HypervisorSim } from './hypervisor-sim';

const sim = new HypervisorSim({
  port: Number(process.env.HYPERVISOR_SIM_PORT ?? 3200),
  latencyMs: Number(process.env.HYPERVISOR_SIM_LATENCY_MS ?? 300),
});
console.log(`hypervisor agent simulator on ${await sim.start()}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void sim.stop().then(() => process.exit(0)));
