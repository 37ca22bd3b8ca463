// ESM + ts-jest, as actions/setup-node runs it. Integration tests share one set of
// registries, a token server and a Docker daemon started by the global set-up.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/env/global-setup.ts',
  globalTeardown: '<rootDir>/test/env/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2
};
