import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One fault, set per hypervisor (and optionally per step): what the agent does instead of the step. */
export interface Fault {
  hypervisorId: string;
  /** The step it applies to; absent: every step on that hypervisor. */
  step?: string;
  /** `error`: 500 with the agent's error; `hang`: never answers; `slow`: answers after 10× the latency. */
  mode: 'error' | 'hang' | 'slow';
  /** How many calls it affects; absent: until removed. */
  count?: number;
}

export interface StepCall {
  hypervisorId: string;
  instanceId: string;
  step: string;
  taskId: string;
  attempt: number;
  at: string;
  outcome: 'ok' | 'error' | 'hang' | 'slow';
}

export interface SimOptions {
  port?: number;
  host?: string;
  /** Typical latency of a step in ms (each call varies ±50 %); 0 for benchmarks. */
  latencyMs?: number;
}

/** What the agent says a step did, as a real one reports it. */
const DETAILS: Record<string, string> = {
  'dhcp.lease': 'DHCP lease assigned',
  'disk.attach': 'disk attached',
  'image.write': 'OS image written',
  'os.boot': 'OS booted',
  'network.verify': 'network verified',
  'backup.freeze': 'filesystem frozen',
  'backup.copy': 'disk copied to backup storage',
  'backup.verify': 'backup checksum verified',
  'snapshot.create': 'snapshot created',
  'snapshot.verify': 'snapshot verified',
  'migrate.prepare': 'target hypervisor prepared',
  'migrate.copy': 'disk copied to target',
  'migrate.switch': 'instance switched to target',
  'migrate.cleanup': 'source cleaned up',
};

const ERRORS: Record<string, string> = {
  'disk.attach': 'no free LUN on storage pool "fast-1"',
  'image.write': 'image checksum mismatch',
  'os.boot': 'kernel panic: VFS unable to mount root fs',
  'network.verify': 'no reply from gateway 10.0.0.1',
};

/**
 * The hypervisor agent's HTTP API, simulated: each step takes a realistic
 * time and answers what a real agent would. Faults are set per hypervisor
 * through POST /_sim/faults; every call is recorded for GET /_sim/calls.
 */
export class HypervisorSim {
  private faults: Fault[] = [];
  private readonly calls: StepCall[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  readonly latencyMs: number;

  constructor(private readonly options: SimOptions = {}) {
    this.latencyMs = options.latencyMs ?? 300;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const step = /^\/v1\/hypervisors\/([\w.-]+)\/instances\/([\w.-]+)\/steps\/([\w.-]+)$/.exec(url.pathname);
    try {
      if (req.method === 'POST' && step) return await this.runStep(step[1]!, step[2]!, step[3]!, await body(req), res);
      if (url.pathname === '/_sim/faults' && req.method === 'POST') return this.addFault(await body(req), res);
      if (url.pathname === '/_sim/faults' && req.method === 'DELETE') return void ((this.faults = []), json(res, 200, { faults: [] }));
      if (url.pathname === '/_sim/faults' && req.method === 'GET') return json(res, 200, { faults: this.faults });
      if (url.pathname === '/_sim/calls' && req.method === 'GET') return json(res, 200, { calls: this.calls });
      if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
      json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (error) {
      json(res, 400, { error: (error as Error).message });
    }
  }

  private async runStep(hypervisorId: string, instanceId: string, step: string, input: Record<string, unknown>, res: ServerResponse) {
    if (!DETAILS[step]) return json(res, 404, { error: `unknown step ${step}` });
    const fault = this.takeFault(hypervisorId, step);
    const call: StepCall = {
      hypervisorId,
      instanceId,
      step,
      taskId: String(input.taskId ?? ''),
      attempt: Number(input.attempt ?? 0),
      at: new Date().toISOString(),
      outcome: fault?.mode ?? 'ok',
    };
    this.calls.push(call);
    if (fault?.mode === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const latency = this.latencyMs * (0.5 + Math.random()) * (fault?.mode === 'slow' ? 10 : 1);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (fault?.mode === 'error') {
      return json(res, 500, { error: `hypervisor ${hypervisorId}: ${step} failed: ${ERRORS[step] ?? 'agent error'}` });
    }
    json(res, 200, { ok: true, step, detail: DETAILS[step], instanceId });
  }

  private addFault(input: Record<string, unknown>, res: ServerResponse) {
    const mode = input.mode;
    if (typeof input.hypervisorId !== 'string' || !input.hypervisorId) return json(res, 400, { error: 'hypervisorId: required' });
    if (mode !== 'error' && mode !== 'hang' && mode !== 'slow') return json(res, 400, { error: 'mode: one of error, hang, slow' });
    if (input.step !== undefined && (typeof input.step !== 'string' || !DETAILS[input.step]))
      return json(res, 400, { error: `step: one of ${Object.keys(DETAILS).join(', ')}` });
    if (input.count !== undefined && !(Number.isInteger(input.count) && (input.count as number) > 0))
      return json(res, 400, { error: 'count: a positive integer' });
    const fault: Fault = {
      hypervisorId: input.hypervisorId,
      mode,
      ...(input.step ? { step: input.step as string } : {}),
      ...(input.count ? { count: input.count as number } : {}),
    };
    this.faults.push(fault);
    json(res, 201, { fault });
  }

  private takeFault(hypervisorId: string, step: string): Fault | undefined {
    const fault = this.faults.find((f) => f.hypervisorId === hypervisorId && (!f.step || f.step === step));
    if (fault?.count !== undefined) {
      fault.count -= 1;
      if (fault.count <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return fault;
  }
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 65_536) throw new Error('body too large');
  }
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
