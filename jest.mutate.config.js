/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): the unit and
 * property tests of lambda/ and of the alarm evaluator, which take milliseconds
 * each. Workflow, rehearsal and stack tests (moto, synth) stay in `npm test`.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/lambda/**/*.test.ts', '<rootDir>/test/rehearsal/alarms/**/*.test.ts'],
  // fast-check properties without their own numRuns run 25 cases (test/mutate-fast-check.ts): a surviving mutant runs every test that covers it.
  moduleNameMapper: { '^fast-check$': '<rootDir>/test/mutate-fast-check.ts' },
  // template-synth synthesizes the app (seconds per run), judge-false-rollbacks replays 100,000 verdicts:
  // every mutant they cover would pay for it. npm test runs both.
  testPathIgnorePatterns: ['/node_modules/', '/test/rehearsal/alarms/template-synth\\.test\\.ts$', '/test/lambda/shared/judge-false-rollbacks\\.test\\.ts$'],
  // Stryker ends its workers without jest's global teardown, and none of these tests writes temporary files.
  globalSetup: undefined,
  globalTeardown: undefined,
};
