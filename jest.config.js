/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tsconfig sets isolatedModules, so ts-jest transpiles without type-checking;
  // `npm run build` (tsc --noEmit) type-checks everything once.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  // Most time goes to files that wait on their own moto server (another process), so one
  // worker per core keeps both busy; jest's default, cores - 1, runs one file at a time on two.
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/sequencer.js',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
