/**
 * fast-check as the mutation run sees it (jest.mutate.config.js maps 'fast-check' here): a property that does
 * not set its own numRuns runs 25 cases instead of 100, so a surviving mutant does not pay for all of them in
 * each test that covers it. Properties that set numRuns keep it (some count their cases to prove they are
 * not vacuous). npm test runs every property at its full count.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const real = require('../node_modules/fast-check/lib/cjs/fast-check.js');

const MAX_RUNS = 25;
const assert = (property: unknown, params?: { numRuns?: number }) => real.assert(property, { ...params, numRuns: params?.numRuns ?? MAX_RUNS });
const fc = { ...real, assert };
module.exports = { ...fc, default: fc, __esModule: true };
