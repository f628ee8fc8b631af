// The boundaries are enforced by `npm test`: it runs `eslint --max-warnings=0 .`
// before any test, and eslint.config.mjs has @nx/enforce-module-boundaries with
// the project types of each package.json. This lints probe files (never
// written to disk) with that same configuration and shows what it refuses. An
// allowed import must pass, so the rule being off (no project graph, a config
// that no longer matches the files) fails here too.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const RULE = '@nx/enforce-module-boundaries';
let eslint: ESLint;

beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.calculateConfigForFile(`${root}services/tasks/src/main.ts`); // loads the config (and builds the project graph) once
}, 30_000);

/** What the boundaries rule says about `code` as if it were the file at `path` (relative to the repository root). */
async function boundaryErrors(path: string, code: string) {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath: `${root}${path}` });
  const messages = result!.messages;
  // A parse error or a crashed rule reports nothing from the rule: make that a failure, not a pass.
  expect(messages.filter((m) => m.fatal || m.ruleId === null)).toEqual([]);
  return messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('a service', () => {
  const file = 'services/tasks/src/cross-import-probe.ts';

  it('may import a lib', async () => {
    expect(await boundaryErrors(file, `export { EventStore } from '@opsledger/eventstore';\nimport '@opsledger/contracts';`)).toEqual([]);
  });

  it('may not import another service, by package or by path', async () => {
    expect(await boundaryErrors(file, `import '@opsledger/provisioning';`)).toEqual([
      'A project tagged with "type:service" can only depend on libs tagged with "type:lib"',
    ]);
    expect(await boundaryErrors(file, `import { provisioningCommandHandlers } from '@opsledger/provisioning/commands';`)).toHaveLength(1);
    expect(await boundaryErrors(file, `import '../../provisioning/src/main';`)).toEqual([
      'Projects cannot be imported by a relative or absolute path, and must begin with a npm scope',
    ]);
  });

  it('may not import an app', async () => {
    expect(await boundaryErrors(file, `import '@opsledger/gateway';`)).toEqual(['Imports of apps are forbidden']);
    expect(await boundaryErrors(file, `import { createAccount } from '@opsledger/gateway/identity';`)).toEqual([
      'Imports of apps are forbidden',
    ]);
  });

  it('may not use the test harness or a simulator outside its tests', async () => {
    expect(await boundaryErrors(file, `import { createTestNats } from '@opsledger/testing';`)).toEqual([
      'A project tagged with "type:service" can only depend on libs tagged with "type:lib"',
    ]);
    expect(await boundaryErrors(file, `import { HypervisorSim } from '@opsledger/hypervisor-sim';`)).toHaveLength(1);
  });

  it('uses them in its spec files and test fixtures, which still may not import another service', async () => {
    const imports = `import { createTestNats } from '@opsledger/testing';\nimport { HypervisorSim } from '@opsledger/hypervisor-sim';`;
    expect(await boundaryErrors('services/tasks/src/cross-import-probe.int.spec.ts', imports)).toEqual([]);
    expect(await boundaryErrors('services/tasks/src/test-fixtures/probe.ts', imports)).toEqual([]);
    expect(await boundaryErrors('services/tasks/src/cross-import-probe.int.spec.ts', `import '@opsledger/provisioning';`)).toEqual([
      'A project tagged with "type:service" can only depend on libs tagged with "type:lib", "type:testing", "type:sim"',
    ]);
  });
});

describe('a lib', () => {
  it('may not import a service (every service depends on the libs, so Nx calls it a cycle) or an app', async () => {
    const [service] = await boundaryErrors('libs/messaging/src/cross-import-probe.ts', `import '@opsledger/tasks';`);
    expect(service).toMatch(/^Circular dependency between "@opsledger\/messaging" and "@opsledger\/tasks"/);
    expect(await boundaryErrors('libs/telemetry/src/cross-import-probe.ts', `import '@opsledger/gateway';`)).toHaveLength(1);
  });

  it('uses the test harness in its tests only, and never a simulator', async () => {
    expect(await boundaryErrors('libs/messaging/src/cross-import-probe.ts', `import '@opsledger/testing';`)).toEqual([
      'A project tagged with "type:lib" can only depend on libs tagged with "type:lib"',
    ]);
    expect(await boundaryErrors('libs/messaging/src/cross-import-probe.int.spec.ts', `import '@opsledger/testing';`)).toEqual([]);
    expect(await boundaryErrors('libs/messaging/src/cross-import-probe.int.spec.ts', `import '@opsledger/panel-sim';`)).toHaveLength(1);
  });
});

describe('an app', () => {
  it('may not import a service, not even from its tests', async () => {
    expect(await boundaryErrors('apps/gateway/src/cross-import-probe.ts', `import '@opsledger/tasks';`)).toHaveLength(1);
    expect(
      await boundaryErrors('apps/gateway/src/cross-import-probe.e2e.spec.ts', `import '@opsledger/provisioning/commands';`),
    ).toHaveLength(1);
  });

  it('imports libs, and the harness from its test support only', async () => {
    expect(await boundaryErrors('apps/gateway/src/cross-import-probe.ts', `import '@opsledger/eventstore';`)).toEqual([]);
    expect(await boundaryErrors('apps/gateway/src/cross-import-probe.ts', `import '@opsledger/testing';`)).toHaveLength(1);
    expect(await boundaryErrors('apps/gateway/src/test-support/probe.ts', `import '@opsledger/testing';`)).toEqual([]);
  });
});

describe('a tool', () => {
  it('may use anything, an app included', async () => {
    const imports = `import '@opsledger/gateway/identity';\nimport '@opsledger/provisioning/commands';\nimport '@opsledger/testing';`;
    expect(await boundaryErrors('tools/cli/commands/cross-import-probe.ts', imports)).toEqual([]);
  });
});
