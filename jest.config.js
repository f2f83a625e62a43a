/**
 * Two projects: fast pure/unit tests, and end-to-end tests that run dist/index.js against local servers.
 * The sources and tests are ES modules: jest runs them natively (`node --experimental-vm-modules`, see
 * the `test` script) and ts-jest only strips the types. Imports are written with `.js`, as Node
 * resolves them in the build; the mapper points them back at the `.ts` files under test.
 */
const esm = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
};

// Node 22 is the oldest the AWS SDK supports from 2027. `npm test` runs on Node 24, the `node` devDependency
// (its install script fetches the binary); a blocked install script would leave the machine's Node in its place.
if (Number(process.versions.node.split('.')[0]) < 22) {
  throw new Error(`The suite needs Node 22 or later, not ${process.version}: run it with \`npm test\` after \`npm ci\`.`);
}

export default {
  // A global option (jest ignores it per project): end-to-end tests start servers and the bundle.
  testTimeout: 300000,
  // Two workers on a 2-core machine: end-to-end tests mostly wait on the action and server processes.
  maxWorkers: 2,
  projects: [
    { displayName: 'unit', ...esm, testMatch: ['<rootDir>/__tests__/*.test.ts'] },
    { displayName: 'e2e', ...esm, testMatch: ['<rootDir>/__tests__/e2e/*.test.ts'] },
  ],
};
