import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testEnv } from './env';

/**
 * A port that is free now, taken from below the kernel's ephemeral range: a
 * port the kernel hands out (listen on 0) can be given again to any outgoing
 * connection before the process the test starts binds it, which CI has seen
 * as EADDRINUSE. Ports below that range are only ever taken by a listener.
 */
export async function freePort(): Promise<number> {
  const ephemeralLow = ephemeralRangeStart();
  const low = 10_000;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${low} and ${ephemeralLow}`);
}

function ephemeralRangeStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(start);
    return Number.isInteger(n) && n > 12_000 ? n : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A nats-server process of the test's own, on its own port and store
 * directory, so a test can stop and restart it without touching the shared
 * server other tests use.
 */
export interface NatsServerOptions {
  /** A nats-server configuration file (e.g. deploy/nats/permissions.conf), and the environment it reads. */
  config?: string;
  env?: Record<string, string>;
}

export class NatsServerProcess {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly options: NatsServerOptions = {},
  ) {}

  static async start(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'opsledger-nats-')), options);
    await server.startProcess();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }

  /** Same port, same store: what a pod restart looks like to clients. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.startProcess();
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async startProcess(): Promise<void> {
    const config = this.options.config ? ['-c', this.options.config] : [];
    this.child = spawn(testEnv.natsServerBin, [...config, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...this.options.env },
    });
    // What it said on the way out, for the error: a config it cannot read, a port in use.
    let said = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2_000)));
    for (let i = 0; i < 200; i++) {
      if (await canConnect(this.port)) return;
      if (this.child.exitCode !== null) throw new Error(`nats-server exited with ${this.child.exitCode}: ${said.trim()}`);
      await sleep(25);
    }
    throw new Error(`nats-server did not listen on ${this.port}`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
