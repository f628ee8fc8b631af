// What each workspace package declares it depends on, by the project types of
// eslint.config.mjs (`nx.tags` in every package.json). The lint rule sees
// imports; this sees the manifests, which decide what an install and an image
// carry: the test harness and the simulators are devDependencies only, and no
// service, lib or app lists a service (nor a service or lib an app).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sections = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
type Section = (typeof sections)[number];
type Manifest = { name: string; nx?: { tags?: string[] } } & Partial<Record<Section, Record<string, string>>>;

const workspaceDirs = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces as string[]).flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, pattern.slice(0, -2), d.name, 'package.json')))
        .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
    : [pattern],
);
const packages = workspaceDirs.map((dir) => ({ dir, ...(JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest) }));
const typeOf = new Map(packages.map((p) => [p.name, p.nx?.tags?.find((t) => t.startsWith('type:'))]));
const TYPES = ['type:lib', 'type:testing', 'type:sim', 'type:service', 'type:app', 'type:tool'];

/** Every `section: name` a package lists whose workspace package has one of these types. */
const listed = (p: Manifest, types: string[], within: readonly Section[] = sections) =>
  within.flatMap((section) =>
    Object.keys(p[section] ?? {})
      .filter((dep) => types.includes(typeOf.get(dep) ?? ''))
      .map((dep) => `${section}: ${dep}`),
  );

describe('workspace package.json files', () => {
  it('finds every workspace package', () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        '@opsledger/tasks',
        '@opsledger/provisioning',
        '@opsledger/gateway',
        '@opsledger/testing',
        '@opsledger/panel-sim',
      ]),
    );
  });

  it('each has exactly one type tag, of a known type', () => {
    const wrong = packages.filter((p) => (p.nx?.tags ?? []).filter((t) => TYPES.includes(t)).length !== 1).map((p) => p.dir);
    expect(wrong).toEqual([]);
  });

  it('tags the test harness and the simulators as such, so the rules below reach them', () => {
    expect(typeOf.get('@opsledger/testing')).toBe('type:testing');
    expect(typeOf.get('@opsledger/hypervisor-sim')).toBe('type:sim');
    expect(typeOf.get('@opsledger/panel-sim')).toBe('type:sim');
    for (const p of packages) expect(p.dir.startsWith('services/') === (typeOf.get(p.name) === 'type:service'), p.dir).toBe(true);
    for (const p of packages) expect(p.dir.startsWith('apps/') === (typeOf.get(p.name) === 'type:app'), p.dir).toBe(true);
  });

  it('lists the test harness and the simulators only in devDependencies', () => {
    const nonDev = sections.filter((s) => s !== 'devDependencies');
    const offending = packages.flatMap((p) => listed(p, ['type:testing', 'type:sim'], nonDev).map((d) => `${p.dir} ${d}`));
    expect(offending).toEqual([]);
  });

  it('never has a service depend on another service or an app, in any section', () => {
    const services = packages.filter((p) => typeOf.get(p.name) === 'type:service');
    expect(services.length).toBeGreaterThan(1);
    expect(services.flatMap((p) => listed(p, ['type:service', 'type:app']).map((d) => `${p.dir} ${d}`))).toEqual([]);
  });

  it('never has a lib depend on a service or an app, nor an app on a service', () => {
    const offending = packages.flatMap((p) => {
      const type = typeOf.get(p.name);
      const banned =
        type === 'type:lib' || type === 'type:testing' ? ['type:service', 'type:app'] : type === 'type:app' ? ['type:service'] : [];
      return listed(p, banned).map((d) => `${p.dir} ${d}`);
    });
    expect(offending).toEqual([]);
  });
});
