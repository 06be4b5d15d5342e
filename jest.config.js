// One jest run covers unit (src/**/*.spec.ts), integration (test/integration) and end-to-end
// (test/e2e) tests. Global setup starts one real FerretDB for the run; each test file uses its
// own database on it, so files are parallel-safe.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
  // jose and canonicalize are published as ESM only; jest's CommonJS runtime gets them transpiled like our sources.
  transformIgnorePatterns: ['/node_modules/(?!(jose|canonicalize)/)'],
  transform: {
    '^.+\\.(ts|js|mjs)$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^#src/(.*)$': '<rootDir>/src/$1' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 90000,
  maxWorkers: 2,
};
