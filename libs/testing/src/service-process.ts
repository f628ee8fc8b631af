import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from './env';

/**
 * A service started the way the dev stack starts it (its own process: its
 * main.ts under tsx, or its build, dist/<name>/main.mjs, under plain node),
 * with the environment a test gives it.
 */
export class ServiceProcess {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(name: string, main: string, env: Record<string, string>): ServiceProcess {
    // Built JavaScript runs as the image runs it; TypeScript is compiled by tsx as the process loads it.
    const args = main.endsWith('.mjs') ? ['--enable-source-maps', main] : ['--import', 'tsx', main];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, child);
  }

  /** Polls `url` until it answers 200; fails with the service's output otherwise. */
  async waitReady(url: string, timeoutMs = 60_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      const res = await fetch(url).catch(() => undefined);
      if (res?.status === 200) return res.json();
      await sleep(100);
    }
    throw new Error(`${this.name} not ready at ${url} after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** The process id (e.g. to read its memory from /proc/<pid>/status). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get log(): string {
    return this.output;
  }
}
