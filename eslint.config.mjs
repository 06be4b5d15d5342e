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

// Raw driver handles run no mongoose middleware, so they bypass the tenant plugin
// (src/kernel/tenancy). Anything that truly needs one says why:
// `// eslint-disable-next-line no-restricted-syntax -- <reason>`.
const rawDriverMessage =
  'Raw driver access bypasses the tenant plugin: use the mongoose model, or disable this line with a reason.';
const rawDriverAccess = [
  // connection.collection('x'), connection.db.collection('x'), client.db().collection('x')
  { selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='collection']", message: rawDriverMessage },
  // Model.collection.find(...), Model.collection.insertOne(...) (reading its name is harmless)
  {
    selector:
      "MemberExpression[object.type='MemberExpression'][object.property.name='collection'][property.name!=/^(collectionName|name)$/]",
    message: rawDriverMessage,
  },
  // const raw = Model.collection; raw = Model.collection
  { selector: "VariableDeclarator > MemberExpression.init[property.name='collection']", message: rawDriverMessage },
  { selector: "AssignmentExpression > MemberExpression.right[property.name='collection']", message: rawDriverMessage },
  // connection.getClient(): the MongoClient itself
  { selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='getClient']", message: rawDriverMessage },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.dev/**', 'openapi/**', '.venv-schemathesis/**', 'schemathesis-report/**'] },
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
    files: ['src/**/*.ts'],
    ignores: ['src/kernel/tenancy/**'],
    rules: {
      'no-restricted-syntax': ['error', ...rawDriverAccess],
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
