// Dockerfiles and manifests cannot run here (no Docker engine, no cluster),
// so their promises are checked as files: what the image build copies
// exists, every workspace is in the image, every Deployment probes the
// health endpoints its service serves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { imageRuntime } from './image-runtime';
import { readManifest, servedProcesses } from './manifest';
import { NATS_USERS, passwordVariable } from './nats-permissions';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));

  it('copies only paths that exist in the build context', () => {
    expect(copies.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('installs every workspace package: the deps stage finds each package.json instead of listing them', () => {
    expect(dockerfile).toMatch(/^RUN .*find \. -name package\.json -not -path '\*\/node_modules\/\*' -exec cp --parents/m);
    expect(dockerfile).toMatch(/^COPY --from=manifests \/manifests\/ \.\/$/m);
    const workspaces = (JSON.parse(read('package.json')).workspaces as string[]).flatMap((pattern) =>
      pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((dir) => `${pattern.slice(0, -2)}/${dir}`) : [pattern],
    );
    const ignored = read('.dockerignore').split('\n').filter(Boolean);
    // No workspace's manifest may be kept out of the build context.
    for (const w of workspaces)
      expect(
        ignored.filter((rule) => `${w}/package.json`.startsWith(rule.replace(/^\*\*\//, ''))),
        w,
      ).toEqual([]);
  });

  it('builds the service named by the build argument (its folder, as services.manifest.json lists its entry) and runs the build under plain node', () => {
    for (const p of servedProcesses(readManifest(root))) expect(p.entry).toMatch(/^(services|apps)\/[a-z-]+\/src\/main\.ts$/);
    expect(dockerfile).toMatch(/^RUN npx tsx tools\/dev\/build\.ts "\$SERVICE" && mv dist\/\* \/service$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/service service$/m);
    expect(dockerfile).toMatch(/^CMD \["node", (".+", )?"--enable-source-maps", "service\/main\.mjs"\]$/m);
  });

  it('runs every process with the memory settings bench:rss measured, and npm start runs them the same way', () => {
    const { nodeFlags, env } = imageRuntime(root);
    expect(nodeFlags).toEqual(['--max-semi-space-size=4', '--enable-source-maps']);
    expect(env).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' });
    const upSh = read('tools/dev/up.sh');
    expect(upSh).toContain(
      `main=(env ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')} node ${nodeFlags.join(' ')} "dist/$name/main.mjs")`,
    );
  });

  it('has no TypeScript compiler and no dev dependency in the runtime image', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).not.toMatch(/tsx|\.ts\b/);
    expect(runtime).toMatch(/^COPY --from=runtime-deps \/app\/node_modules node_modules$/m);
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim AS runtime-deps$/m);
    expect(dockerfile).toMatch(/^RUN npm install --omit=dev /m);
  });

  it('keeps dependencies and local state out of the build context', () => {
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.data', '.tools', '.git']));
  });
});

describe('k8s/', () => {
  const kustomization = (dir: string) => parseAllDocuments(read(`${dir}/kustomization.yaml`))[0]!.toJS() as { resources: string[] };

  it('every kustomization resource exists', () => {
    for (const dir of ['k8s/base', 'k8s/overlays/production']) {
      for (const resource of kustomization(dir).resources) expect(existsSync(join(root, dir, resource)), `${dir}/${resource}`).toBe(true);
    }
  });

  it('every process of services.manifest.json has a Deployment that probes /healthz and /readyz on its own port variable, binds all interfaces and has a memory limit', () => {
    const docs = kustomization('k8s/base').resources.flatMap((r) => parseAllDocuments(read(`k8s/base/${r}`)).map((d) => d.toJS()));
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    const config = docs.find((d) => d.kind === 'ConfigMap');
    const processes = servedProcesses(readManifest(root));
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(processes.map((p) => p.name).sort());
    expect(config.data.HTTP_HOST).toBe('0.0.0.0');
    expect(config.data.STREAM_REPLICAS).toBe('3');
    for (const d of deployments) {
      const { portVariable } = processes.find((p) => p.name === d.metadata.name)!;
      const [container] = d.spec.template.spec.containers;
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      // Its own variable: a Deployment that set another service's *_PORT would listen on the default and fail its probes.
      expect(container.env.find((e: { name: string }) => e.name === portVariable)?.value, d.metadata.name).toBe(String(port));
      expect(container.resources.limits.memory).toBeDefined();
    }
  });

  it('each Deployment connects to NATS as its own user, and the NATS servers run deploy/nats/permissions.conf with every user’s password', () => {
    const docs = kustomization('k8s/base').resources.flatMap((r) => parseAllDocuments(read(`k8s/base/${r}`)).map((d) => d.toJS()));
    for (const d of docs.filter((doc) => doc.kind === 'Deployment')) {
      const env = d.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[];
      expect(env.find((e) => e.name === 'NATS_USER')?.value, d.metadata.name).toBe(d.metadata.name);
      expect(env.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef, d.metadata.name).toEqual({
        name: 'opsledger-nats',
        key: d.metadata.name,
      });
    }
    const values = parseAllDocuments(read('k8s/infra/nats-values.yaml'))[0]!.toJS();
    expect(values.config.merge['00$include']).toBe('permissions.conf');
    expect(read('k8s/infra/README.md')).toContain('--set-file configMap.merge.data.permissions\\\\.conf=deploy/nats/permissions.conf');
    for (const user of Object.keys(NATS_USERS))
      expect(values.container.env[passwordVariable(user)]?.valueFrom?.secretKeyRef, user).toEqual({ name: 'opsledger-nats', key: user });
  });
});
