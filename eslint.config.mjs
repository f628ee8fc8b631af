// One lint setup for every project in the workspace.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import process from 'node:process';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads Nx's project graph from .nx/workspace-data and, when there
// is none (a fresh clone), skips itself with a warning: a boundary check that silently passes.
// So the graph is built (or brought up to date) here, before any file is linted: in this process,
// without the Nx daemon or plugin worker processes, no network; about 0.2 s. A failure fails the
// lint run instead of disabling the rule.
process.env.NX_DAEMON ??= 'false';
process.env.NX_ISOLATE_PLUGINS ??= 'false';
const { createProjectGraphAsync } = await import('nx/src/devkit-exports');
const graph = await createProjectGraphAsync({ exitOnError: false });
const projects = Object.values(graph.nodes);
const tagged = (tag) => projects.filter((p) => p.data.tags?.includes(tag));

// Project types, from `nx.tags` in each package.json:
//   type:lib      libs/*: shared code (contracts, eventstore, messaging, db, service-runtime, telemetry)
//   type:testing  libs/testing: the real-infra test harness
//   type:sim      tools/hypervisor-sim, tools/panel-sim: fakes of the outside systems
//   type:service  services/*: one bounded context each
//   type:app      apps/*: gateway, console
//   type:tool     tools/dev, tools/cli, tools/bench: may use anything
// Production code depends on libs only; the harness and the simulators are for tests.
const productionConstraints = [
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:sim', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
];
// Spec files and test fixtures may also use the harness (and, outside libs/*, the simulators).
// Still never another service or an app.
const testConstraints = [
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:sim'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:sim'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:sim', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:sim'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
];
const testFiles = ['**/*.spec.ts', '**/*.spec.tsx', '**/test-fixtures/**/*.ts', '**/test-support/**/*.ts'];
const boundaries = (depConstraints, allow = []) => [
  'error',
  {
    depConstraints,
    allow,
    // libs/testing builds on libs/db, and libs/db's integration test uses the harness: a cycle
    // in the graph (which knows no test/production split), not in production code.
    ignoredCircularDependencies: [['@opsledger/db', '@opsledger/testing']],
  },
];
// Nx refuses any import of an app, tags or not. A tool may use an app's public entry points (the
// CLI creates accounts with @opsledger/gateway/identity), so for files of type:tool projects only.
const appImports = tagged('type:app').flatMap((p) => [`^${p.name}$`, `${p.name}/**`]);
const toolFiles = tagged('type:tool').map((p) => `${p.data.root}/**/*.ts`);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/gen/**', '.tools/**', '.data/**', 'artifacts/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `any` is allowed where a generic boundary needs it (Kysely<any> for a schema chosen at run time).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name=/^(skip|only|todo)$/]',
          message: 'A skipped or focused test is a defect.',
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': boundaries(productionConstraints) },
  },
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': boundaries(testConstraints) } },
  { files: toolFiles, rules: { '@nx/enforce-module-boundaries': boundaries(testConstraints, appImports) } },
  {
    // Which project an import reaches is the Nx rule's business (it also refuses relative paths
    // into another project); which entry point it uses is this one's: Nx accepts
    // `@opsledger/db/src/...` wherever it accepts `@opsledger/db`.
    files: ['services/**/*.ts', 'apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@opsledger/*/src/*', '../../services/*', '../../../services/*'],
              message: 'Import a project through its package entry, never its internals.',
            },
          ],
        },
      ],
    },
  },
);
