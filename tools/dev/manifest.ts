import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One process of the platform, as services.manifest.json lists it. */
export interface ManifestProcess {
  name: string;
  kind: 'service' | 'app' | 'simulator';
  /** Its main.ts, from the repository root. */
  entry: string;
  port: number;
  /** The environment variable that sets its port. */
  portVariable: string;
  /** Whether it hosts a Temporal worker. */
  worker?: boolean;
  /** Extra environment the test platform gives it (e.g. short retry delays). */
  testEnv?: Record<string, string>;
  about: string;
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function readManifest(root = repoRoot): ManifestProcess[] {
  return (JSON.parse(readFileSync(join(root, 'services.manifest.json'), 'utf8')) as { processes: ManifestProcess[] }).processes;
}

/** The processes that answer /healthz and /readyz: the context services and the gateway. */
export const servedProcesses = (processes: ManifestProcess[]) => processes.filter((p) => p.kind !== 'simulator');
