// `npm run build`: every process of services.manifest.json as JavaScript, so
// nothing compiles TypeScript at run time (no tsx in the image, in production
// mode or under the e2e tests):
//   dist/<name>/main.mjs (+ lazy chunks beside it, + source maps)
//       esbuild, one build per process: the workspace packages (@opsledger/*,
//       TypeScript sources) are bundled, third-party packages stay imports of
//       node_modules (native ones such as argon2 must, and the image has them).
//   dist/<name>/workflows/<file>.workflow.bundle.js
//       the Temporal workflow bundle of each src/workflows/*.workflow.ts of a
//       worker process, built once here instead of by webpack in every worker
//       start (see libs/service-runtime/src/workflow-code.ts).
//   dist/<name>/<asset dir>/  files a process reads beside its code (ASSETS).
// Every file is written through a temporary name and renamed, and only when
// its content changed: a process of a concurrent test run that is starting
// from dist/ never reads a half-written file.
import { build, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { type ManifestProcess, readManifest, repoRoot } from './manifest';

export const distDir = join(repoRoot, 'dist');

/** The built entry of a process. */
export const builtMain = (name: string) => join(distDir, name, 'main.mjs');

/**
 * Directories of a process's src/ it reads at run time with `new URL('./<dir>/', import.meta.url)`;
 * copied to dist/<name>/<dir>/ so that URL (now relative to main.mjs) still finds them.
 */
export const ASSETS: Record<string, string[]> = { email: ['templates'] };

const rootModules = join(repoRoot, 'node_modules') + sep;

/**
 * Bare imports that resolve into the root node_modules stay imports (Node finds
 * them from dist/ as it does from the sources). Workspace packages resolve
 * (through their symlink) to their sources and are bundled; so is a package
 * installed only in a workspace's own node_modules (a second version, e.g.
 * ipaddr.js 2 for the gateway), which Node could not find from dist/.
 */
const externalThirdParty: Plugin = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      if (args.path.startsWith('node:')) return { external: true };
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external || resolved.path.startsWith(rootModules)) return { path: args.path, external: true };
      return resolved;
    });
  },
};

/** Writes `content` to `path` unless it already holds it; atomically (a rename). */
function writeIfChanged(path: string, content: Uint8Array | string): boolean {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  if (existsSync(path) && readFileSync(path).equals(bytes)) return false;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  return true;
}

/**
 * Chunks of earlier builds (their names carry a hash of their content) are
 * removed once they are an hour old: a process of another test run that was
 * started from the earlier main.mjs may still import one lazily.
 */
function pruneOldChunks(outdir: string, current: Set<string>) {
  const anHourAgo = Date.now() - 3_600_000;
  for (const file of readdirSync(outdir)) {
    const path = join(outdir, file);
    if (/\.mjs(\.map)?$/.test(file) && !current.has(path) && statSync(path).mtimeMs < anHourAgo) rmSync(path);
  }
}

/** A process's code, bundled in memory (with esbuild's account of its inputs and imports). */
export function bundleProcess(process: ManifestProcess) {
  return build({
    entryPoints: { main: join(repoRoot, process.entry) },
    outdir: join(distDir, process.name),
    bundle: true,
    // The dynamic import of a service's module (and anything else imported lazily) stays a chunk of its own.
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    // Chunks beside main.mjs: `new URL('./x', import.meta.url)` means the same directory wherever the code lands.
    chunkNames: '[name]-[hash]',
    platform: 'node',
    target: 'node24',
    sourcemap: true,
    // The same compiler options tsx uses (experimentalDecorators; no decorator metadata, which esbuild never emits).
    tsconfig: join(repoRoot, 'tsconfig.json'),
    plugins: [externalThirdParty],
    absWorkingDir: repoRoot,
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
}

async function buildMain(process: ManifestProcess): Promise<number> {
  const outdir = join(distDir, process.name);
  const result = await bundleProcess(process);
  let written = 0;
  for (const file of result.outputFiles) if (writeIfChanged(file.path, file.contents)) written++;
  pruneOldChunks(outdir, new Set(result.outputFiles.map((f) => f.path)));
  for (const dir of ASSETS[process.name] ?? []) {
    const from = join(repoRoot, dirname(process.entry), dir);
    for (const file of readdirSync(from)) if (writeIfChanged(join(outdir, dir, file), readFileSync(join(from, file)))) written++;
  }
  return written;
}

/** The workflow files of a worker process: src/workflows/*.workflow.ts, each one a worker's `workflowsPath`. */
export function workflowFiles(process: ManifestProcess): string[] {
  if (!process.worker) return [];
  const dir = join(repoRoot, dirname(process.entry), 'workflows');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.workflow.ts'))
    .map((f) => join(dir, f));
}

/**
 * A hash of every file a workflow bundle is made of (esbuild lists them in a
 * fraction of a second): webpack, which Temporal's bundler runs, takes seconds
 * per bundle, so an unchanged bundle is not made again.
 */
async function workflowInputsHash(workflowsPath: string): Promise<string> {
  const { metafile } = await build({
    entryPoints: [workflowsPath],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    absWorkingDir: repoRoot,
    logLevel: 'silent',
  });
  const hash = createHash('sha256');
  for (const input of Object.keys(metafile.inputs).sort()) hash.update(input).update(readFileSync(join(repoRoot, input)));
  return hash.digest('hex');
}

async function buildWorkflows(process: ManifestProcess): Promise<number> {
  let written = 0;
  for (const workflowsPath of workflowFiles(process)) {
    const target = join(distDir, process.name, 'workflows', basename(workflowsPath).replace(/\.ts$/, '.bundle.js'));
    const stamp = `${target}.inputs`;
    const inputs = await workflowInputsHash(workflowsPath);
    if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) continue;
    // Its source map inline, as the worker's own bundler does: stack traces of workflow code name the .ts lines.
    // Loaded only when a bundle is made: @temporalio/worker brings webpack and a native module with it.
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    if (writeIfChanged(target, code)) written++;
    writeIfChanged(stamp, inputs);
  }
  return written;
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** Builds every process of the manifest; resolves with the number of files that changed. */
export async function buildAll(processes = readManifest()): Promise<number> {
  const counts = await Promise.all(processes.map(async (p) => (await buildMain(p)) + (await buildWorkflows(p))));
  return counts.reduce((a, b) => a + b, 0);
}

/** The processes named on the command line, by manifest name or folder (`tasks`, `services/tasks`); all when none is. */
function selected(args: string[]): ManifestProcess[] {
  const all = readManifest();
  if (args.length === 0) return all;
  return args.map((arg) => {
    const found = all.find((p) => p.name === arg || dirname(dirname(p.entry)) === arg.replace(/\/$/, ''));
    if (!found) throw new Error(`${arg} is no process of services.manifest.json`);
    return found;
  });
}

// Run as a script (`npm run build [-- <name or folder>...]`; the image builds its one service), not when imported.
if (process.argv[1] && relative(process.argv[1], new URL(import.meta.url).pathname) === '') {
  const started = Date.now();
  const changed = await buildAll(selected(process.argv.slice(2)));
  console.log(`dist/: ${changed} file(s) changed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
