import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker's workflow code comes from: the bundle `npm run build`
 * made of it (tools/dev/build.ts writes `<file>.workflow.bundle.js` into
 * dist/<process>/workflows/) when the worker runs built, or else its source,
 * which the worker bundles with webpack when it starts (tsx, dev and tests).
 * A prebuilt bundle saves every worker start seconds of CPU and the
 * webpack compilation's memory.
 *
 * `workflows` is the workflow file as a URL relative to the worker's module
 * (./workflows/x.workflow.ts against import.meta.url): built, that URL
 * points into dist/<process>/workflows/, where the bundle is.
 */
export function workflowCode(workflows: URL): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const path = fileURLToPath(workflows);
  const bundle = path.replace(/\.ts$/, '.bundle.js');
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  if (existsSync(path)) return { workflowsPath: path };
  throw new Error(`no workflow code at ${path} nor a bundle of it at ${bundle} (run npm run build)`);
}
