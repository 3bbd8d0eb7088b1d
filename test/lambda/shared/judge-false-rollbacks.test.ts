import binomial = require('@stdlib/random-base-binomial');
import { ColorCounts, JudgeSettings, judgeStep } from '../../../lambda/shared/decisions/judge';

// Statistical calibration of the judge (about 100,000 verdicts): npm test runs it; the mutation run
// (jest.mutate.config.js) leaves it out, the judge's unit and property tests (judge.test.ts) killing its mutants.
const SETTINGS: JudgeSettings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ceilingPercent: 10, onBothBad: 'rollback' };
const counts = (requests: number, failed: number, slow = 0): ColorCounts => ({ requests, failed, slow });

// ---------------------------------------------------------------------------------------------
// False rollbacks. A/A steps: both colors fail 0.3% of requests; each step is looked at 6 times on a
// growing sample (cumulative counts), and a step counts as a rollback if ANY of its looks says FAIL
// (conservative: a real bake might stop at an earlier PASS). 2,000 steps per case, seeded binomial draws.
// Margin 0 is the worst case (a margin only adds a condition to "worse"); 1 pp is the realistic one.

const P = 0.003;
const LOOKS = 6;
const STEPS = 2000;

function steps(totalPerColor: number, newRate: number, settings: JudgeSettings, seed = 42) {
  const draw = binomial.factory({ seed });
  let failed = 0;
  const errors: Record<string, number> = {};
  for (let s = 0; s < STEPS; s++) {
    let requests = 0;
    let newFailed = 0;
    let oldFailed = 0;
    for (let look = 1; look <= LOOKS; look++) {
      const target = Math.round((totalPerColor * look) / LOOKS);
      newFailed += draw(target - requests, newRate);
      oldFailed += draw(target - requests, P);
      requests = target;
      const v = judgeStep({ newColor: counts(requests, newFailed), oldColor: counts(requests, oldFailed), comparable: true, look, maxLooks: LOOKS, settings });
      if (v.decision === 'FAIL') {
        failed++;
        errors[v.error!] = (errors[v.error!] ?? 0) + 1;
        break;
      }
    }
  }
  return { rate: failed / STEPS, errors };
}

describe('false rollbacks of A/A steps at 0.3% failures, 6 looks, 2,000 steps', () => {
  // 150 and 1,000 per color over the step (25 and ~167 a look), and the same per look (900 and 6,000 over the step).
  const cases = [150, 1000, 900, 6000].flatMap((total) => [0, 1].map((margin) => ({ total, margin })));
  // Measured with seed 42 when written: 0.00% (no step failed at any look) in every case but 6,000 per color
  // at margin 0, 0.10% (2 of 2,000, JudgedWorse). Not the expectation: only the 1% bound is.
  // Computed inside the test, so the test's name does not depend on what the code under test returns.
  it.each(cases)('$total requests per color, margin $margin pp: at most 1% of steps end FAIL', ({ total, margin }) => {
    const { rate } = steps(total, P, { ...SETTINGS, ceilingPercent: 2, errorMarginPercentPoints: margin });
    expect(rate).toBeLessThanOrEqual(0.01);
  });

  it('the same harness does catch a real regression (power check, so the bound above is not vacuous)', () => {
    // 3% against 0.3%, 1,000 per color over the step: nearly every step fails.
    const bad = steps(1000, 0.03, { ...SETTINGS, ceilingPercent: 2 });
    expect(bad.rate).toBeGreaterThan(0.9);
    // And a color failing every request fails every step, at its first look (25 requests).
    expect(steps(150, 1, SETTINGS).rate).toBe(1);
  });
});
