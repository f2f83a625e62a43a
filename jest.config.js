/** Two projects: fast pure/unit tests, and end-to-end tests that run dist/index.js against local servers. */
// Sources import with a .js extension (ready for ES modules); CommonJS jest resolves the .ts file.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
const tsJest = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: { warnOnly: false } }],
};
module.exports = {
  // A global option (jest ignores it per project): end-to-end tests start servers and the bundle.
  testTimeout: 300000,
  // Two workers on a 2-core machine: end-to-end tests mostly wait on the action and server processes.
  maxWorkers: 2,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: tsJest,
      moduleNameMapper,
      testMatch: ['<rootDir>/__tests__/*.test.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: tsJest,
      moduleNameMapper,
      testMatch: ['<rootDir>/__tests__/e2e/*.test.ts'],
    },
  ],
};
