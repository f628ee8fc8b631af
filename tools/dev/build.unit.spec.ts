// What `npm run build` promises the image and the e2e tests: each process's
// bundle holds the workspace code and imports only production packages of
// the root node_modules (the image installs with --omit=dev and copies no
// sources), and everything the code reads beside itself is in dist/ too.
import type { Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSETS, bundleProcess, workflowFiles } from './build';
import { readManifest, repoRoot } from './manifest';

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
const packageOf = (specifier: string) => /^(@[^/]+\/)?[^/]+/.exec(specifier)![0];

const metafiles = new Map<string, Promise<Metafile>>();
const metafileOf = (name: string) => {
  if (!metafiles.has(name))
    metafiles.set(
      name,
      bundleProcess(readManifest().find((p) => p.name === name)!).then((r) => r.metafile),
    );
  return metafiles.get(name)!;
};
const externals = (metafile: Metafile) =>
  new Set(
    Object.values(metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => i.path),
  );

describe.each(readManifest().map((p) => p.name))('the build of %s', (name) => {
  it('imports only production dependencies of the root node_modules and bundles every workspace package', async () => {
    const imported = [...externals(await metafileOf(name))];
    expect(imported.filter((s) => s.startsWith('@opsledger/'))).toEqual([]);
    expect(
      imported.filter(
        (s) => lock.packages[`node_modules/${packageOf(s)}`]?.dev !== undefined || !lock.packages[`node_modules/${packageOf(s)}`],
      ),
    ).toEqual([]);
  }, 30_000);

  it('copies the directories its code reads relative to itself (new URL(…, import.meta.url)), and bundles the workflows it names', async () => {
    const process = readManifest().find((p) => p.name === name)!;
    const sources = Object.keys((await metafileOf(name)).inputs).filter((f) => !f.includes('node_modules/'));
    const read = sources.flatMap((f) =>
      [...readFileSync(join(repoRoot, f), 'utf8').matchAll(/new URL\('\.\/([^']+)', import\.meta\.url\)/g)].map((m) => ({
        file: f,
        path: m[1]!,
      })),
    );
    const workflows = workflowFiles(process).map((f) => f.slice(join(repoRoot, dirname(process.entry)).length + 1));
    for (const { file, path } of read) {
      // Relative to the process's src/ (where main.ts is, as main.mjs is in dist/<name>/).
      expect(dirname(file), `${file} reads ${path}`).toBe(dirname(process.entry));
      if (path.endsWith('.workflow.ts')) expect(workflows).toContain(path);
      else expect(ASSETS[name] ?? []).toContain(path.replace(/\/$/, ''));
    }
  }, 30_000);
});

describe('the gateway build', () => {
  it('bundles the gateway’s own copy of ipaddr.js (2.x in apps/gateway/node_modules), which node could not find from dist/', async () => {
    const metafile = await metafileOf('gateway');
    expect(Object.keys(metafile.inputs).some((f) => f.startsWith('apps/gateway/node_modules/ipaddr.js/'))).toBe(true);
    expect(externals(metafile)).not.toContain('ipaddr.js');
    expect(externals(metafile)).toContain('@nestjs/core');
  }, 30_000);
});
