// One lint setup for every project in the workspace.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // Nx tags keep a service from importing another service's internals.
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
