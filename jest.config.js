/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tsconfig sets isolatedModules, so ts-jest transpiles without type-checking;
  // `npm run build` (tsc --noEmit) type-checks everything once.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // Jest's default on 2 cores is one worker. The workflow tests mostly wait on
  // moto (a server per test file, so per worker): three workers overlap that.
  maxWorkers: 3,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
