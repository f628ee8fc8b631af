// Dockerfiles and manifests cannot run here (no Docker engine, no cluster),
// so their promises are checked as files: what the image build copies
// exists, every workspace is in the image, every Deployment probes the
// health endpoints its service serves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));

  it('copies only paths that exist in the build context', () => {
    expect(copies.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('installs every workspace package (a new one must be added to the deps stage)', () => {
    const workspaces = (JSON.parse(read('package.json')).workspaces as string[]).flatMap((pattern) =>
      pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((dir) => `${pattern.slice(0, -2)}/${dir}`) : [pattern],
    );
    const manifests = workspaces.map((w) => `${w}/package.json`).filter((p) => existsSync(join(root, p)));
    expect(manifests.filter((p) => !copies.includes(p))).toEqual([]);
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

  it('every Deployment probes /healthz and /readyz on its port, binds all interfaces and has a memory limit', () => {
    const docs = kustomization('k8s/base').resources.flatMap((r) => parseAllDocuments(read(`k8s/base/${r}`)).map((d) => d.toJS()));
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    const config = docs.find((d) => d.kind === 'ConfigMap');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['gateway', 'provisioning', 'tasks']);
    expect(config.data.HTTP_HOST).toBe('0.0.0.0');
    expect(config.data.STREAM_REPLICAS).toBe('3');
    for (const d of deployments) {
      const [container] = d.spec.template.spec.containers;
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      expect(container.env.find((e: { name: string }) => e.name.endsWith('_PORT')).value).toBe(String(port));
      expect(container.resources.limits.memory).toBeDefined();
    }
  });
});
