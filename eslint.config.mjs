// Lint rules, including the import boundaries of docs/architecture (../shared/design/architecture.md):
// the kernel knows no feature; a feature is reached only through its index.ts; the domain layer
// imports no framework; nothing in src/ reaches into tools/ or test/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const featureInternals = {
  group: ['#src/modules/*/*', '#src/modules/*/*/**', '**/modules/*/*', '**/modules/*/*/**', '!**/modules/*/index'],
  message: 'Import another feature only through its index.ts.',
};
const devTooling = {
  group: ['**/tools/**', '**/test/**'],
  message: 'Production code never imports dev tooling or tests.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.dev/**', 'openapi/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [devTooling] }],
    },
  },
  {
    files: ['src/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [devTooling, { group: ['#src/modules/**', '**/modules/**'], message: 'The kernel knows no feature.' }] },
      ],
    },
  },
  {
    files: ['src/modules/*/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [devTooling, featureInternals] }],
    },
  },
  {
    files: ['src/modules/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            devTooling,
            featureInternals,
            {
              group: ['@nestjs/*', 'mongoose', 'mongodb', 'class-validator', 'class-transformer', 'express'],
              message: 'The domain layer imports no framework, database or validation library.',
            },
          ],
        },
      ],
    },
  },
);
