import fc from 'fast-check';
import { ColorCounts, JudgeInput, JudgeSettings, Verdict, judgeStep, newcombe, wilson, wilsonCorrected, zFor } from '../../../lambda/shared/decisions/judge';

/** A realistic configuration: 1 pp margin, 99% one-sided per step, 100 requests per color, 10% ceiling, roll back when both are bad. */
const SETTINGS: JudgeSettings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ceilingPercent: 10, onBothBad: 'rollback' };
const HOLD: JudgeSettings = { ...SETTINGS, onBothBad: 'hold' };

const counts = (requests: number, failed: number, slow = 0): ColorCounts => ({ requests, failed, slow });
const judge = (newColor: ColorCounts, oldColor: ColorCounts, over: Partial<JudgeInput> = {}): Verdict =>
  judgeStep({ newColor, oldColor, comparable: true, look: 1, maxLooks: 6, settings: SETTINGS, ...over });
const swapped = (i: JudgeInput): JudgeInput => ({ ...i, newColor: i.oldColor, oldColor: i.newColor });

// ---------------------------------------------------------------------------------------------
// Arbitraries. Request counts lean small (where the statistics are delicate) but reach thousands;
// failed and slow are drawn uniformly, small, or "every request" so every branch is visited.

const settingsArb: fc.Arbitrary<JudgeSettings> = fc.record({
  errorMarginPercentPoints: fc.constantFrom(0, 0.1, 0.5, 1, 2, 5),
  confidence: fc.constantFrom(0.9, 0.95, 0.99, 0.999),
  minRequestsPerColor: fc.integer({ min: 0, max: 300 }),
  ceilingPercent: fc.constantFrom(1, 2, 5, 10, 20, 50),
  onBothBad: fc.constantFrom<'rollback' | 'hold'>('rollback', 'hold'),
  ruleOutPercentPoints: fc.constantFrom(undefined, 2, 5, 100),
});
const partOf = (requests: number) =>
  fc.oneof(fc.integer({ min: 0, max: requests }), fc.integer({ min: 0, max: Math.min(requests, 10) }), fc.constant(requests), fc.constant(0));
const requestsArb = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 5000 }));
const colorArb: fc.Arbitrary<ColorCounts> = requestsArb.chain((requests) => fc.record({ requests: fc.constant(requests), failed: partOf(requests), slow: partOf(requests) }));
const inputArb: fc.Arbitrary<JudgeInput> = fc.record({
  newColor: colorArb,
  oldColor: colorArb,
  comparable: fc.boolean(),
  look: fc.integer({ min: 1, max: 12 }),
  maxLooks: fc.integer({ min: 1, max: 12 }),
  settings: settingsArb,
});

// ---------------------------------------------------------------------------------------------

describe('known values', () => {
  // Wilson's closed forms at z = 1.96, n = 10 (worked by hand):
  //   x = 0:   upper = z²/(n + z²) = 3.8416/13.8416 = 0.27754
  //   x = n/2: 0.5 ± z/(2·sqrt(n + z²)) = 0.5 ± 1.96/7.44086 = 0.23659 .. 0.76341
  //   x = n:   lower = n/(n + z²) = 10/13.8416 = 0.72246
  it.each([
    [0, 10, 0, 0.27754],
    [5, 10, 0.23659, 0.76341],
    [10, 10, 0.72246, 1],
  ])('wilson(%i of %i, z = 1.96) is %f to %f', (x, n, lower, upper) => {
    const w = wilson(x, n, 1.96);
    expect(w.lower).toBeCloseTo(lower, 4);
    expect(w.upper).toBeCloseTo(upper, 4);
  });

  it('wilson(1 of 10) at 95% two-sided is 0.0179 to 0.4042 (Newcombe 1998, single proportion)', () => {
    const w = wilson(1, 10, zFor(0.975));
    expect(w.lower).toBeCloseTo(0.0179, 4);
    expect(w.upper).toBeCloseTo(0.4042, 4);
  });

  it('wilson is [0, 1] without requests and stays within [0, 1], around the observed rate, elsewhere', () => {
    expect(wilson(0, 0, 1.96)).toEqual({ lower: 0, upper: 1 });
    expect(wilson(3, 0, 2.5)).toEqual({ lower: 0, upper: 1 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))), fc.double({ min: 0, max: 6, noNaN: true }), ([n, x], z) => {
        const w = wilson(x, n, z);
        expect(w.lower).toBeGreaterThanOrEqual(0);
        expect(w.upper).toBeLessThanOrEqual(1);
        expect(w.lower).toBeLessThanOrEqual(x / n + 1e-12);
        expect(w.upper).toBeGreaterThanOrEqual(x / n - 1e-12);
      }),
      { numRuns: 500 },
    );
  });

  // Newcombe (1998), "Interval estimation for the difference between independent proportions",
  // Table II, method 10 (hybrid score), 95% two-sided. Every row below was recomputed from the
  // formula (Wilson limits at z = 1.959964 combined as in method 10) and agrees to 4 decimals.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])('newcombe(%i/%i - %i/%i) at 95%% is %f to %f', (x1, n1, x2, n2, lower, upper) => {
    const d = newcombe(x1, n1, x2, n2, zFor(0.975));
    expect(d.difference).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect(d.lower).toBeCloseTo(lower, 4);
    expect(d.upper).toBeCloseTo(upper, 4);
  });

  it('zFor gives the one-sided normal quantile', () => {
    expect(zFor(0.99)).toBeCloseTo(2.3263, 4);
    expect(zFor(0.975)).toBeCloseTo(1.96, 4);
    expect(zFor(0.95)).toBeCloseTo(1.6449, 4);
    expect(zFor(1 - 0.01 / 6)).toBeCloseTo(2.9352, 4);
  });

  it('zFor is the normal quantile of the package, which judge.ts loads without its factory', () => {
    const quantile = require('@stdlib/stats-base-dists-normal-quantile') as (p: number, mu: number, sigma: number) => number;
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => expect(zFor(p)).toBe(quantile(p, 0, 1))));
  });
});

describe('decisions', () => {
  it('a color failing every request fails from 3 requests on, at any count, whatever the old color served (0 included)', () => {
    // Wilson's lower bound of n of n is n/(n + z²): above a 20% ceiling from n = 3 at 6 looks of 99% (z = 2.935).
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 20000 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20000 })),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(1, 5, 10, 20),
        (n, oldRequests, comparable, maxLooks, ceilingPercent) => {
          const old = counts(oldRequests, Math.floor(oldRequests * 0.003));
          const v = judge(counts(n, n), old, { comparable, maxLooks, settings: { ...SETTINGS, ceilingPercent } });
          expect(v.decision).toBe('FAIL');
          expect(['AboveCeiling', 'JudgedWorse']).toContain(v.error);
        },
      ),
      { numRuns: 300 },
    );
    const handful = judge(counts(5, 5), counts(0, 0));
    expect(handful).toMatchObject({ decision: 'FAIL', error: 'AboveCeiling' });
    expect(handful.reason).toMatch(/above the 10% ceiling/);
  });

  it('+5 pp against 0.3% fails JudgedWorse once the evidence can show it (293+ requests per color at 6 looks, 217+ at one, both proportions)', () => {
    // Below those counts a valid 99% test cannot separate them (5 of 100 against 0 of 100 has a one-sided
    // Fisher p of about 0.03): the verdict is then a PASS, the known power limit of a per-look 99.83% bound.
    // Continuity-corrected bounds (method 11), split over both proportions, need more evidence than
    // method 10 over one proportion did (236 and 123).
    for (let n = 293; n <= 5000; n += n < 400 ? 1 : 37) {
      const v = judge(counts(n, Math.round(0.053 * n)), counts(n, Math.round(0.003 * n)));
      expect([n, v.decision, v.error]).toEqual([n, 'FAIL', 'JudgedWorse']);
      expect(v.proportions[0]).toMatchObject({ metric: 'failed', outcome: 'worse' });
      expect(v.proportions[0].lower).toBeGreaterThan(0);
    }
    for (let n = 217; n <= 400; n++) {
      expect([n, judge(counts(n, Math.round(0.053 * n)), counts(n, Math.round(0.003 * n)), { maxLooks: 1 }).error]).toEqual([n, 'JudgedWorse']);
    }
    const v = judge(counts(1000, 53), counts(1000, 3));
    expect(v.reason).toMatch(/^failed: new 5\.30% vs old 0\.30%, difference 5\.00%.*worse by at least the 1\.00% margin/);
  });

  it('A/A: equal rates pass once each color has the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 20000 }), fc.double({ min: 0, max: 0.1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 12 }), (n, rate, slowRate, maxLooks) => {
        const c = counts(n, Math.floor(rate * n), Math.floor(slowRate * n));
        const v = judge(c, { ...c }, { maxLooks });
        expect(v.decision).toBe('PASS');
        expect(v.error).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    // At 1,000 each a 1 pp regression is not yet ruled out (not-shown), which still passes; at 5,000 it is.
    expect(judge(counts(1000, 3, 20), counts(1000, 3, 20))).toMatchObject({ decision: 'PASS', proportions: [{ outcome: 'not-shown' }, { outcome: 'not-shown' }] });
    expect(judge(counts(5000, 15, 100), counts(5000, 15, 100))).toMatchObject({ decision: 'PASS', proportions: [{ outcome: 'ruled-out' }, { outcome: 'ruled-out' }] });
  });

  it('below the minimum the verdict is INCONCLUSIVE, never PASS', () => {
    expect(judge(counts(50, 0), counts(50, 0))).toMatchObject({ decision: 'INCONCLUSIVE', reason: expect.stringMatching(/new 50, old 50; at least 100 per color/) });
    expect(judge(counts(500, 1), counts(99, 0))).toMatchObject({ decision: 'INCONCLUSIVE', reason: expect.stringMatching(/\(old 99;/) });
    expect(judge(counts(99, 0), counts(5000, 15))).toMatchObject({ decision: 'INCONCLUSIVE', reason: expect.stringMatching(/\(new 99;/) });
    expect(judge(counts(0, 0), counts(0, 0))).toMatchObject({ decision: 'INCONCLUSIVE' });
    expect(judge(counts(100, 0), counts(100, 0)).decision).toBe('PASS');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 5000 }), fc.boolean(), (thin, other, thinIsNew) => {
        const a = counts(thin, 0);
        const b = counts(other, Math.floor(other * 0.003));
        const v = thinIsNew ? judge(a, b) : judge(b, a);
        expect(v.decision).not.toBe('PASS');
        if (v.decision !== 'FAIL') expect(v.decision).toBe('INCONCLUSIVE');
      }),
    );
  });

  it('the last step (comparable false) passes on the new color alone unless above the ceiling', () => {
    const last = { comparable: false };
    const pass = judge(counts(1000, 3), counts(0, 0), last);
    expect(pass.decision).toBe('PASS');
    expect(pass.proportions).toEqual([]);
    expect(pass.reason).toMatch(/old color takes no traffic.*below the 10% ceiling over 1000 requests/);
    // The old color's counts play no part, even a failing one's.
    expect(judge(counts(1000, 3), counts(1000, 1000), last).decision).toBe('PASS');
    expect(judge(counts(1000, 80, 1000), counts(0, 0), last).decision).toBe('PASS');
    expect(judge(counts(1000, 300), counts(0, 0), last)).toMatchObject({ decision: 'FAIL', error: 'AboveCeiling' });
    expect(judge(counts(50, 0), counts(0, 0), last)).toMatchObject({ decision: 'INCONCLUSIVE', reason: expect.stringMatching(/\(new 50;/) });
    fc.assert(
      fc.property(inputArb, (i) => {
        const v = judgeStep({ ...i, comparable: false });
        expect(v.proportions).toEqual([]);
        expect(v.error === 'JudgedWorse' || v.error === 'BothColorsBad').toBe(false);
        expect(v.decision === 'FAIL').toBe(v.ceiling.newAbove);
        if (!v.ceiling.newAbove) expect(v.decision).toBe(i.newColor.requests >= i.settings.minRequestsPerColor ? 'PASS' : 'INCONCLUSIVE');
      }),
      { numRuns: 300 },
    );
  });

  it('a better new color never fails while it stays below the ceiling', () => {
    expect(judge(counts(1000, 0, 0), counts(1000, 50, 200))).toMatchObject({ decision: 'PASS' });
    expect(judge(counts(1000, 20), counts(1000, 90))).toMatchObject({ decision: 'PASS' });
    // (The property below covers every better new color: never JudgedWorse, and no FAIL at all below the ceiling.)
  });

  it('both colors above the ceiling: FAIL BothColorsBad by default; HOLD with onBothBad hold, unless the new one is also worse', () => {
    const both = judge(counts(1000, 500), counts(1000, 500));
    expect(both).toMatchObject({ decision: 'FAIL', error: 'BothColorsBad', ceiling: { newAbove: true, oldAbove: true } });
    expect(both.reason).toMatch(/both colors fail above the 10% ceiling.*rolling back$/);
    const hold = judge(counts(1000, 500), counts(1000, 500), { settings: HOLD });
    expect(hold).toMatchObject({ decision: 'HOLD', error: 'BothColorsBad' });
    expect(hold.reason).toMatch(/no worse: holding$/);
    const worse = judge(counts(1000, 900), counts(1000, 300), { settings: HOLD });
    expect(worse).toMatchObject({ decision: 'FAIL', error: 'BothColorsBad' });
    expect(worse.reason).toMatch(/and the new one is worse: rolling back$/);
    // A new color better than a failing old one is still held, not passed.
    expect(judge(counts(1000, 200), counts(1000, 600), { settings: HOLD }).decision).toBe('HOLD');
    // Without a comparison there is no old color to be bad.
    expect(judge(counts(1000, 500), counts(1000, 500), { comparable: false, settings: HOLD })).toMatchObject({ decision: 'FAIL', error: 'AboveCeiling' });
  });

  it('slow requests are judged like failed ones, but only relative to the old color (the ceiling is for failures)', () => {
    const v = judge(counts(1000, 0, 60), counts(1000, 0, 5));
    expect(v).toMatchObject({ decision: 'FAIL', error: 'JudgedWorse' });
    expect(v.proportions.map((p) => [p.metric, p.outcome])).toEqual([
      ['failed', 'not-shown'],
      ['slow', 'worse'],
    ]);
    expect(v.reason).toMatch(/^slow: new 6\.00% vs old 0\.50%/);
    expect(judge(counts(1000, 0, 1000), counts(1000, 0, 1000)).decision).toBe('PASS');
    // The slow comparison is the failed comparison with the two counts exchanged.
    fc.assert(
      fc.property(inputArb, (i) => {
        fc.pre(i.comparable);
        const flip = (c: ColorCounts) => counts(c.requests, c.slow, c.failed);
        const a = judgeStep(i).proportions;
        const b = judgeStep({ ...i, newColor: flip(i.newColor), oldColor: flip(i.oldColor) }).proportions;
        const strip = ({ metric: _m, why: _w, ...p }: (typeof a)[number]) => p;
        expect(strip(b[1])).toEqual(strip(a[0]));
        expect(strip(b[0])).toEqual(strip(a[1]));
        expect(b[1].why.replace(/^slow/, 'failed')).toBe(a[0].why);
      }),
      { numRuns: 200 },
    );
  });

  it('the verdict carries counts, rates, bounds, per-look confidence, margin and a reason naming the metric', () => {
    const newColor = { requests: 1200, failed: 40, slow: 30, p95Seconds: 0.8 };
    const oldColor = { requests: 1100, failed: 3, slow: 25, p95Seconds: 0.7 };
    const v = judgeStep({ newColor, oldColor, comparable: true, look: 2, maxLooks: 6, settings: SETTINGS });
    expect(v.decision).toBe('FAIL');
    expect(v.counts).toEqual({ new: newColor, old: oldColor });
    expect(v.look).toBe(2);
    expect(v.maxLooks).toBe(6);
    // Split over the step's 6 looks and both proportions.
    expect(v.perLookConfidence).toBeCloseTo(1 - 0.01 / 12, 12);
    const z = zFor(v.perLookConfidence);
    const failed = newcombe(40, 1200, 3, 1100, z, true);
    expect(v.proportions[0]).toMatchObject({ metric: 'failed', newRate: 40 / 1200, oldRate: 3 / 1100, margin: 0.01, outcome: 'worse', ...failed });
    expect(v.proportions[1]).toMatchObject({ metric: 'slow', newRate: 30 / 1200, oldRate: 25 / 1100, margin: 0.01, outcome: 'not-shown', ...newcombe(30, 1200, 25, 1100, z, true) });
    expect(v.proportions[1].why).toMatch(/^slow: .*not yet ruled out$/);
    expect(v.ceiling).toEqual({ percent: 10, newLowerPercent: 100 * wilson(40, 1200, z).lower, oldLowerPercent: 100 * wilson(3, 1100, z).lower, newAbove: false, oldAbove: false });
    expect(v.reason).toBe(v.proportions[0].why);
    expect(v.reason).toMatch(/^failed: new 3\.33% vs old 0\.27%, difference 3\.06%, bounds \d+\.\d\d% to \d+\.\d\d%: worse by at least the 1\.00% margin$/);
  });

  it('looks are clamped to 1..maxLooks and maxLooks to at least 1', () => {
    expect(judge(counts(500, 1), counts(500, 1), { look: 0, maxLooks: 0 })).toMatchObject({ look: 1, maxLooks: 1, perLookConfidence: 0.995 });
    expect(judge(counts(500, 1), counts(500, 1), { look: 9, maxLooks: 6 })).toMatchObject({ look: 6, maxLooks: 6 });
    expect(judge(counts(500, 1), counts(500, 1), { look: 2.7, maxLooks: 4.9 })).toMatchObject({ look: 2, maxLooks: 4, perLookConfidence: 1 - 0.01 / 8 });
  });

  it('unreadable counts (a missing metric as NaN or undefined, negative, more failed than requests) are INCONCLUSIVE, never PASS', () => {
    const bad: ColorCounts[] = [
      counts(Number.NaN, 500),
      { requests: undefined as unknown as number, failed: 500, slow: 0 },
      counts(1000, Number.NaN),
      counts(1000, 0, Number.NaN),
      counts(Number.POSITIVE_INFINITY, 3),
      counts(1000, -5),
      counts(100, 200),
      counts(100, 0, 101),
    ];
    const good = counts(1000, 3);
    for (const c of bad) {
      expect([c, judge(c, good).decision]).toEqual([c, 'INCONCLUSIVE']);
      expect([c, judge(good, c).decision]).toEqual([c, 'INCONCLUSIVE']);
      expect(judge(c, good).reason).toMatch(/unreadable counts for the (new|old) color/);
      expect([c, judge(c, counts(0, 0), { comparable: false }).decision]).toEqual([c, 'INCONCLUSIVE']);
    }
    // Without a comparison the old color's counts are not read at all.
    expect(judge(good, counts(Number.NaN, 0), { comparable: false }).decision).toBe('PASS');
  });
});

describe('continuity-corrected bounds (the judge uses them)', () => {
  it('contain the plain Wilson bounds, stay within [0, 1] and hold the proportion (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), fc.constantFrom(1.645, 1.96, 2.326, 2.935), ([x, n], z) => {
        const c = wilsonCorrected(x, n, z);
        const w = wilson(x, n, z);
        expect(c.lower).toBeLessThanOrEqual(w.lower + 1e-12);
        expect(c.upper).toBeGreaterThanOrEqual(w.upper - 1e-12);
        expect(c.lower).toBeGreaterThanOrEqual(0);
        expect(c.upper).toBeLessThanOrEqual(1);
        expect(c.lower).toBeLessThanOrEqual(x / n);
        expect(c.upper).toBeGreaterThanOrEqual(x / n);
      }),
    );
  });
  it('one or two failures in a small sample against a near-zero old color are no longer "worse": the A/A case that rolled back healthy drills', () => {
    expect(newcombe(3, 150, 8, 2850, zFor(1 - 0.01 / 6)).lower).toBeGreaterThan(0);
    expect(newcombe(3, 150, 8, 2850, zFor(1 - 0.01 / 6), true).lower).toBeLessThan(0);
  });
});

describe('ruling out a large regression before a pass (ruleOutPercentPoints)', () => {
  const RULE_OUT: JudgeSettings = { ...SETTINGS, ceilingPercent: 5, ruleOutPercentPoints: 5 };
  const j = (n: ColorCounts, o: ColorCounts) => judgeStep({ newColor: n, oldColor: o, comparable: true, look: 1, maxLooks: 6, settings: RULE_OUT });
  it('+5 pp on 100 requests per color is not significant, so it may not pass either: the bake extends', () => {
    expect(judge(counts(100, 5), counts(100, 0)).decision).toBe('PASS');
    expect(j(counts(100, 5), counts(100, 0))).toMatchObject({ decision: 'INCONCLUSIVE', reason: expect.stringMatching(/failed: a regression up to .* is not yet ruled out; a pass needs it below 5 percentage points/) });
  });
  it('A/A passes once the evidence excludes a 5 pp regression, and not before', () => {
    expect(j(counts(100, 0), counts(900, 3)).decision).toBe('INCONCLUSIVE');
    expect(j(counts(400, 1), counts(3600, 11)).decision).toBe('PASS');
  });
  it('a pass always has every upper bound below the rule-out size (property)', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const v = judgeStep(i);
        if (v.decision === 'PASS' && i.settings.ruleOutPercentPoints !== undefined) for (const p of v.proportions) expect(p.upper).toBeLessThan(i.settings.ruleOutPercentPoints / 100);
      }),
    );
  });
});

describe('properties', () => {
  it.each(['failed', 'slow'] as const)('monotone: more %s requests on the new color (same requests) never turn FAIL into PASS/INCONCLUSIVE, nor INCONCLUSIVE into PASS', (metric) => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (i, k) => {
        const room = i.newColor.requests - i.newColor[metric];
        const more = { ...i, newColor: { ...i.newColor, [metric]: i.newColor[metric] + (k % (room + 1)) } };
        const before = judgeStep(i).decision;
        const after = judgeStep(more).decision;
        if (before === 'FAIL') expect(after).toBe('FAIL'); // stronger than asked: not even HOLD
        if (before === 'INCONCLUSIVE') expect(after).not.toBe('PASS');
      }),
      { numRuns: 1000 },
    );
  });

  it('a better new color (failed and slow rates at most the old ones) is never JudgedWorse', () => {
    const betterArb = fc
      .tuple(colorArb, requestsArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([old, n, a, b]) => {
        // Largest whole count whose rate is at most the old rate (the judge reads a color without requests as rate 0).
        const cap = (x: number) => (old.requests > 0 ? Math.floor((x * n) / old.requests) : 0);
        return { old, fresh: counts(n, Math.floor(a * cap(old.failed)), Math.floor(b * cap(old.slow))) };
      });
    fc.assert(
      fc.property(betterArb, settingsArb, fc.integer({ min: 1, max: 12 }), ({ old, fresh }, settings, maxLooks) => {
        const rate = (x: number, n: number) => (n > 0 ? x / n : 0);
        expect(rate(fresh.failed, fresh.requests)).toBeLessThanOrEqual(rate(old.failed, old.requests));
        expect(rate(fresh.slow, fresh.requests)).toBeLessThanOrEqual(rate(old.slow, old.requests));
        const v = judgeStep({ newColor: fresh, oldColor: old, comparable: true, look: 1, maxLooks, settings });
        expect(v.error).not.toBe('JudgedWorse');
        expect(v.proportions.some((p) => p.outcome === 'worse')).toBe(false);
        if (!v.ceiling.newAbove) expect(v.decision).not.toBe('FAIL');
      }),
      { numRuns: 1000 },
    );
  });

  it('swapping the colors of a worse comparison never finds the other color worse on the same metric', () => {
    // Per metric, on any input:
    fc.assert(
      fc.property(inputArb, (i) => {
        const a = judgeStep({ ...i, comparable: true }).proportions;
        const b = judgeStep(swapped({ ...i, comparable: true })).proportions;
        for (const m of [0, 1]) {
          expect(b[m].difference).toBeCloseTo(-a[m].difference, 12);
          if (a[m].outcome === 'worse') expect(b[m].outcome).not.toBe('worse');
        }
      }),
      { numRuns: 500 },
    );
    // Whole verdicts, where only failures differ (slow equal, so "worse" can only be about failures):
    const oneMetricArb = fc.record({
      newColor: requestsArb.chain((r) => fc.record({ requests: fc.constant(r), failed: partOf(r), slow: fc.constant(0) })),
      oldColor: requestsArb.chain((r) => fc.record({ requests: fc.constant(r), failed: fc.integer({ min: 0, max: Math.min(r, 20) }), slow: fc.constant(0) })),
      comparable: fc.constant(true),
      look: fc.constant(1),
      maxLooks: fc.integer({ min: 1, max: 12 }),
      settings: settingsArb,
    });
    let seen = 0;
    fc.assert(
      fc.property(oneMetricArb, (i) => {
        const v = judgeStep(i);
        fc.pre(v.decision === 'FAIL' && v.error === 'JudgedWorse');
        seen++;
        expect(judgeStep(swapped(i)).error).not.toBe('JudgedWorse');
      }),
      { numRuns: 300 },
    );
    expect(seen).toBe(300);
  });

  it('more looks never turn a PASS into a FAIL (the per-look confidence only gets stricter)', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 50 }), (i, extra) => {
        const v = judgeStep(i);
        fc.pre(v.decision === 'PASS');
        const more = judgeStep({ ...i, maxLooks: Math.max(1, Math.floor(i.maxLooks)) + extra });
        expect(more.perLookConfidence).toBeGreaterThan(v.perLookConfidence);
        expect(more.decision).not.toBe('FAIL');
        // Stronger: bounds widen, so nothing new is worse or above the ceiling; only the rule-out bound can now be missed.
        expect(more.decision).toBe(i.settings.ruleOutPercentPoints === undefined ? 'PASS' : more.decision === 'INCONCLUSIVE' ? 'INCONCLUSIVE' : 'PASS');
      }),
      { numRuns: 500 },
    );
  });

  it('the Newcombe interval contains the point difference and widens with z', () => {
    const propArb = fc.integer({ min: 0, max: 5000 }).chain((n) => fc.tuple(fc.oneof(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: Math.min(n, 5) }), fc.constant(n)), fc.constant(n)));
    fc.assert(
      fc.property(propArb, propArb, fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), ([x1, n1], [x2, n2], z, dz) => {
        const a = newcombe(x1, n1, x2, n2, z);
        const b = newcombe(x1, n1, x2, n2, z + dz);
        expect(a.lower).toBeLessThanOrEqual(a.difference);
        expect(a.upper).toBeGreaterThanOrEqual(a.difference);
        expect(a.lower).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(a.upper).toBeLessThanOrEqual(1 + 1e-12);
        expect(b.lower).toBeLessThanOrEqual(a.lower + 1e-12);
        expect(b.upper).toBeGreaterThanOrEqual(a.upper - 1e-12);
        // Wilson's intervals are nested in z too, which is what makes the above hold.
        const w = wilson(x1, n1, z);
        const w2 = wilson(x1, n1, z + dz);
        expect(w2.lower).toBeLessThanOrEqual(w.lower + 1e-12);
        expect(w2.upper).toBeGreaterThanOrEqual(w.upper - 1e-12);
      }),
      { numRuns: 1000 },
    );
  });

  it('INCONCLUSIVE never passes: PASS implies the new color (and the old one when comparable) served the minimum', () => {
    let passes = 0;
    fc.assert(
      fc.property(inputArb, (i) => {
        const v = judgeStep(i);
        if (v.decision !== 'PASS') return;
        passes++;
        expect(i.newColor.requests).toBeGreaterThanOrEqual(i.settings.minRequestsPerColor);
        if (i.comparable) expect(i.oldColor.requests).toBeGreaterThanOrEqual(i.settings.minRequestsPerColor);
        expect(v.error).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(passes).toBeGreaterThan(50);
  });
});
