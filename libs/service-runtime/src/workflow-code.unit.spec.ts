import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { workflowCode } from './workflow-code';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workflow-code-'));
  mkdirSync(join(dir, 'workflows'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const url = () => new URL('./workflows/run.workflow.ts', pathToFileURL(join(dir, 'worker.mjs')));

it('built (a prebuilt bundle beside the module): the bundle, so the worker runs no webpack', () => {
  writeFileSync(join(dir, 'workflows', 'run.workflow.bundle.js'), '');
  expect(workflowCode(url())).toEqual({ workflowBundle: { codePath: join(dir, 'workflows', 'run.workflow.bundle.js') } });
});

it('from source (no bundle): the workflow file, which the worker bundles when it starts', () => {
  writeFileSync(join(dir, 'workflows', 'run.workflow.ts'), '');
  expect(workflowCode(url())).toEqual({ workflowsPath: join(dir, 'workflows', 'run.workflow.ts') });
});

it('neither: fails naming both paths and the build', () => {
  expect(() => workflowCode(url())).toThrow(/run\.workflow\.ts nor a bundle of it at .*run\.workflow\.bundle\.js \(run npm run build\)/);
});
