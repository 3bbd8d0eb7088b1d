import { ColorCounts, JudgeInput, JudgeSettings, judgeStep, newcombe, Verdict, wilsonCorrected, zFor } from '../../../lambda/shared/decisions/judge';

// The continuity-corrected intervals the judge uses, at published values, and
// the edges of a verdict judge.test.ts leaves out: the evidence minimum at
// exactly its value, a difference exactly at the margin, and the reasons'
// joined parts.
const SETTINGS: JudgeSettings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ceilingPercent: 10, onBothBad: 'rollback' };
const counts = (requests: number, failed: number, slow = 0): ColorCounts => ({ requests, failed, slow });
const judge = (newColor: ColorCounts, oldColor: ColorCounts, over: Partial<JudgeInput> = {}): Verdict =>
  judgeStep({ newColor, oldColor, comparable: true, look: 1, maxLooks: 6, settings: SETTINGS, ...over });

describe('continuity-corrected score intervals at published values', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 4, 95%.
  it.each([
    [81, 263, 0.2535, 0.3682],
    [15, 148, 0.0598, 0.1644],
    [0, 20, 0, 0.2005],
    [1, 29, 0.0018, 0.1963],
  ])('wilsonCorrected(%i/%i) is %f to %f', (x, n, lower, upper) => {
    const c = wilsonCorrected(x, n, zFor(0.975));
    expect(c.lower).toBeCloseTo(lower, 4);
    expect(c.upper).toBeCloseTo(upper, 4);
  });

  // Newcombe (1998), "Interval estimation for the difference between independent proportions", method 11, 95%.
  it.each([
    [56, 70, 48, 80, 0.0428, 0.3422],
    [9, 10, 3, 10, 0.1013, 0.8387],
    [6, 7, 2, 7, -0.029, 0.8423],
    [5, 56, 0, 29, -0.0667, 0.2037],
  ])('newcombe(%i/%i - %i/%i, corrected) is %f to %f', (x1, n1, x2, n2, lower, upper) => {
    const d = newcombe(x1, n1, x2, n2, zFor(0.975), true);
    expect(d.lower).toBeCloseTo(lower, 4);
    expect(d.upper).toBeCloseTo(upper, 4);
  });

  it('no observations: the whole [0, 1]', () => {
    expect(wilsonCorrected(0, 0, 1.96)).toEqual({ lower: 0, upper: 1 });
  });
});

describe('judgeStep edges', () => {
  it('a color with no requests has a rate of 0, not NaN', () => {
    const v = judge(counts(0, 0), counts(1000, 10));
    expect(v.proportions[0]).toMatchObject({ newRate: 0, oldRate: 0.01 });
    expect(judge(counts(1000, 10), counts(0, 0)).proportions[0]).toMatchObject({ newRate: 0.01, oldRate: 0 });
  });

  it('a difference exactly at the margin, with its lower bound above 0, is worse', () => {
    const v = judge(counts(100_000, 1000), counts(100_000, 0));
    expect(v.proportions[0].difference).toBe(0.01);
    expect(v.proportions[0].lower).toBeGreaterThan(0);
    expect(v.proportions[0].outcome).toBe('worse');
    expect(v.decision).toBe('FAIL');
  });

  it('a difference under the margin is not worse, even when it is significant', () => {
    const v = judge(counts(100_000, 1500), counts(100_000, 1000));
    expect(v.proportions[0].lower).toBeGreaterThan(0);
    expect(v.proportions[0].outcome).not.toBe('worse');
  });

  it('worse needs the minimum requests on each color; exactly the minimum is enough', () => {
    // 8% (9.9%) failed on the new color, none on the old: worse, but under the 10% ceiling.
    expect(judge(counts(100, 8), counts(100_000, 0))).toMatchObject({ decision: 'FAIL', error: 'JudgedWorse' });
    expect(judge(counts(99, 8), counts(100_000, 0))).toMatchObject({ decision: 'INCONCLUSIVE', reason: 'too few requests to judge (new 99; at least 100 per color)' });
    expect(judge(counts(100_000, 9900), counts(100, 0))).toMatchObject({ decision: 'FAIL', error: 'JudgedWorse' });
    expect(judge(counts(100_000, 9900), counts(99, 0))).toMatchObject({ decision: 'INCONCLUSIVE', reason: 'too few requests to judge (old 99; at least 100 per color)' });
  });

  it('names both colors when both counts are unreadable', () => {
    expect(judge(counts(Number.NaN, 0), counts(-1, 0)).reason).toBe(
      'unreadable counts for the new and old color (requests, failed and slow must be finite, at least 0, and failed and slow at most requests)',
    );
  });

  it('both colors above the ceiling and the new one no worse: rolling back, without saying it is worse', () => {
    const v = judge(counts(1000, 200), counts(1000, 200));
    expect(v).toMatchObject({ decision: 'FAIL', error: 'BothColorsBad' });
    expect(v.reason).toMatch(/^both colors fail above the 10% ceiling \(new at least \d+\.\d\d%, old at least \d+\.\d\d%\): rolling back$/);
  });

  it('joins the reasons of both proportions', () => {
    expect(judge(counts(1000, 80, 80), counts(1000, 0, 0)).reason).toMatch(/^failed: new 8\.00% vs old 0\.00%, .*; slow: new 8\.00% vs old 0\.00%, .*margin$/);
    const open = judge(counts(1000, 10, 10), counts(1000, 10, 10), { settings: { ...SETTINGS, ruleOutPercentPoints: 0.5 } });
    expect(open.decision).toBe('INCONCLUSIVE');
    expect(open.reason).toMatch(/^failed: a regression up to \d+\.\d\d% is not yet ruled out; slow: a regression up to \d+\.\d\d% is not yet ruled out; a pass needs it below 0\.5 percentage points$/);
    const pass = judge(counts(10_000, 10, 10), counts(10_000, 10, 10));
    expect(pass.decision).toBe('PASS');
    expect(pass.reason).toMatch(/^failed: new 0\.10% vs old 0\.10%, .*; slow: new 0\.10% vs old 0\.10%, .*$/);
  });
});
