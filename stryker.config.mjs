// Mutation testing of the safety core (`npm run mutate`).
// StrykerJS 9.x on purpose: Stryker 10 needs Node 22 and this project runs on Node 20.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // findRelatedTests: each mutant loads only the test files that import its file (jest's dependency graph),
  // not all of them; every test file here requires what it tests by a literal path.
  jest: { projectType: 'custom', configFile: 'jest.mutate.config.js', enableFindRelatedTests: true },
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  mutate: [
    'lambda/shared/decisions/**/*.ts',
    'lambda/shared/rollback.ts',
    'lambda/shared/retry.ts',
    'lambda/alarm-handler/**/*.ts',
    'lambda/rollback/**/*.ts',
    'lambda/traffic/**/*.ts',
    'lambda/watch/**/*.ts',
    'rehearsal/alarms/**/*.ts',
  ],
  // Module-level constants would rerun every test for each mutant.
  ignoreStatic: true,
  // A run after a change mutates only what changed; the file is committed.
  incremental: true,
  incrementalFile: 'stryker-incremental.json',
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // No listing of every test (a thousand lines in CI): `npm run mutate:score -- --survivors` lists what lives.
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: false, reportScoreTable: true },
  // The lower target; scripts/mutation-score.ts holds lambda/shared/decisions/ to 90%.
  thresholds: { high: 90, low: 80, break: 80 },
  // Two cores, shared.
  concurrency: 2,
  // Over the unmutated time of the tests; a mutant that loops forever costs this plus a restart.
  // 5 s rather than 3: on this shared, loaded machine a slower run is not an infinite loop.
  timeoutMS: 5000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
