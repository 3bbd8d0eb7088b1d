import fc from 'fast-check';
import { BaselineJudge, canaryEvidence, EvidencePlan, judgeAt, judgedMinutes, minutesFor, stepEvidence, thinMessage } from '../../../lambda/shared/decisions/canaryEvidence';
import { JudgeSettings, newcombe, zFor } from '../../../lambda/shared/decisions/judge';
import { judgeWindow, looksFor } from '../../../lambda/shared/decisions/window';

/** Production's plan: 5/25/50/100, 5-minute bakes, the judge's defaults. */
const PRODUCTION: EvidencePlan = { steps: [5, 25, 50, 100], bakeSeconds: 300, minRequestsPerColor: 100, maxBakeSeconds: 1800, metricDelaySeconds: 180 };

const planArb: fc.Arbitrary<EvidencePlan> = fc
  .record({
    bakeSeconds: fc.oneof(fc.constantFrom(0, 60, 120, 300, 600), fc.integer({ min: 1, max: 3600 })),
    minRequestsPerColor: fc.oneof(fc.constantFrom(1, 100, 500), fc.integer({ min: 1, max: 5000 })),
    extra: fc.integer({ min: 0, max: 14_400 }),
    metricDelaySeconds: fc.oneof(fc.constantFrom(0, 60, 180), fc.integer({ min: 0, max: 900 })),
    first: fc.integer({ min: 1, max: 99 }),
    judge: fc.option(
      fc.record({
        settings: fc.record({
          errorMarginPercentPoints: fc.constantFrom(0.5, 1, 2),
          confidence: fc.constantFrom(0.9, 0.99, 0.999),
          minRequestsPerColor: fc.constant(0),
          ruleOutPercentPoints: fc.constantFrom(2, 5, 20),
          ceilingPercent: fc.constantFrom(5, 50),
          onBothBad: fc.constant<'rollback'>('rollback'),
        }),
        failed: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.04, noNaN: true })),
        slow: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
      }),
      { nil: undefined },
    ),
  })
  .map(({ bakeSeconds, extra, first, judge, ...rest }) => ({
    ...rest,
    bakeSeconds,
    maxBakeSeconds: Math.max(60, bakeSeconds + extra),
    steps: [first, 100],
    // The judge's own minimum is the plan's.
    ...(judge ? { judge: { ...judge, settings: { ...judge.settings, minRequestsPerColor: rest.minRequestsPerColor } } } : {}),
  }));
const rateArb = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 100_000, noNaN: true }));
/** Seconds until a step has its evidence; Infinity when never. */
const seconds = (rate: number, percent: number, plan: EvidencePlan) => stepEvidence(rate, percent, 1, plan).needed?.seconds ?? Infinity;

describe('judged minutes', () => {
  it.each([
    [300, 180, 1],
    [600, 180, 6],
    [1800, 180, 26],
    [120, 180, 0],
    [240, 180, 0],
    [120, 0, 1],
    [0, 0, 0],
  ])('a check %i s after the shift with a %i s delay judges at least %i complete minutes', (span, delay, minutes) => {
    expect(judgedMinutes(span, delay)).toBe(minutes);
  });

  it('is a lower bound of what the step check judges wherever in its minute the shift fell, and the bound is met', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 59_999 }), fc.integer({ min: 0, max: 7200 }), fc.integer({ min: 0, max: 900 }), (minute, offsetMs, span, delay) => {
        const shift = 1_800_000_000_000 + minute * 60_000 + offsetMs;
        expect(judgeWindow(shift, shift + span * 1000, delay).minutes).toBeGreaterThanOrEqual(judgedMinutes(span, delay));
        // A shift just past a minute's start judges exactly the bound.
        const late = 1_800_000_000_000 + minute * 60_000 + 1;
        expect(judgeWindow(late, late + span * 1000, delay).minutes).toBe(judgedMinutes(span, delay));
      }),
    );
  });
});

describe('minutes for the minimum', () => {
  it('is the fewest whole minutes that reach it', () => {
    expect(minutesFor(15, 100)).toBe(7);
    expect(minutesFor(10, 100)).toBe(10);
    expect(minutesFor(0, 100)).toBe(Infinity);
    expect(minutesFor(5, 0)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), fc.integer({ min: 1, max: 100_000 }), (perMinute, min) => {
        const m = minutesFor(perMinute, min);
        expect(perMinute * m).toBeGreaterThanOrEqual(min);
        expect(perMinute * (m - 1)).toBeLessThan(min);
      }),
    );
  });
});

describe('the evidence of each step', () => {
  it('at 300 requests a minute, production plan: 15 new requests a minute at 5%, the minimum after 3 bakes', () => {
    const e = canaryEvidence(300, PRODUCTION);
    expect(e.maxLooks).toBe(6);
    expect(e.longestSeconds).toBe(1800);
    expect(e.steps[0]).toMatchObject({ step: 1, percent: 5, comparable: true, perBake: { minutes: 1, new: 15, old: 285 }, needed: { looks: 3, seconds: 900, minutes: 11 }, withinLongest: true, atLongest: { minutes: 26, new: 390 } });
    expect(e.steps[3]).toMatchObject({ percent: 100, comparable: false, perBake: { new: 300, old: 0 }, needed: { looks: 1 } });
    expect(e.thin).toBe(false);
    // 100 / (300 × 26) = 1.28%: 2% is the smallest whole first step.
    expect(e.smallestFirstStep).toBe(2);
  });

  it('at 40 requests a minute a 5% first step is too thin; 10% is the smallest that works', () => {
    const e = canaryEvidence(40, PRODUCTION);
    expect(e.steps[0]).toMatchObject({ perBake: { new: 2 }, needed: { looks: 11, seconds: 3300 }, withinLongest: false, atLongest: { new: 52 } });
    expect(e.thin).toBe(true);
    expect(e.smallestFirstStep).toBe(10);
    expect(thinMessage(e)).toMatch(/^at the last hour's 40 requests a minute, a 5% first step gives the new color about 52 requests by its longest bake \(1800 s, 26 complete minutes\), short of judge.minRequestsPerColor \(100\); the smallest first step that would do is 10%/);
    expect(thinMessage(e)).toMatch(/"acceptThinCanary": true/);
  });

  it('no traffic, or no bake, never reaches the minimum and names no step', () => {
    for (const e of [canaryEvidence(0, PRODUCTION), canaryEvidence(1e6, { ...PRODUCTION, bakeSeconds: 0 })]) {
      expect(e.thin).toBe(true);
      expect(e.steps[0].needed).toBeUndefined();
      expect(e.smallestFirstStep).toBeUndefined();
      expect(thinMessage(e)).toMatch(/no first step below 100% would/);
    }
  });

  it('the old color counts too: above 50% it is the one short of requests', () => {
    const e = canaryEvidence(10, { ...PRODUCTION, steps: [99, 100] });
    expect(e.steps[0].atLongest.old).toBeCloseTo(2.6);
    expect(e.thin).toBe(true);
    expect(thinMessage(e)).toMatch(/gives the old color about 2.6 requests/);
  });

  it('all at once compares nothing, so only the new color needs the minimum', () => {
    const e = canaryEvidence(4, { ...PRODUCTION, steps: [100] });
    expect(e.steps[0]).toMatchObject({ comparable: false, withinLongest: true, needed: { looks: 6 } });
    expect(e.thin).toBe(false);
  });
});

describe('a step needs what the judge passes (judge.ruleOutPercentPoints ruled out at the baseline)', () => {
  /** Production's judge, at 0.3% failed and 5% slow requests. */
  const SETTINGS: JudgeSettings = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, ceilingPercent: 5, onBothBad: 'rollback' };
  const JUDGE: BaselineJudge = { settings: SETTINGS, failed: 0.003, slow: 0.05 };
  const plan: EvidencePlan = { ...PRODUCTION, judge: JUDGE };

  it('takes more than the minimum: at 1,000 requests a minute the 5% step has 100 per color after 2 bakes, and rules out 5 pp later', () => {
    const bare = canaryEvidence(1000, PRODUCTION).steps[0];
    const judged = canaryEvidence(1000, plan).steps[0];
    expect(bare.needed).toMatchObject({ looks: 2, seconds: 600 });
    expect(judged.needed!.looks).toBeGreaterThan(2);
    expect(judged.withinLongest).toBe(true);
    // At the bake it names the judge passes the A/A counts; a bake earlier it does not.
    expect(judgeAt(1000, 5, judged.needed!.looks, { ...plan, judge: JUDGE }).decision).toBe('PASS');
    expect(judgeAt(1000, 5, judged.needed!.looks - 1, { ...plan, judge: JUDGE })).toMatchObject({ decision: 'INCONCLUSIVE', reason: expect.stringMatching(/not yet ruled out/) });
  });

  it('asks the judge at its confidence for the plan: split over the looks, both proportions and the comparing steps', () => {
    const v = judgeAt(1000, 5, 3, { ...plan, judge: JUDGE });
    // 6 looks, 2 proportions, 3 comparing steps (5, 25, 50).
    expect(v.perLookConfidence).toBeCloseTo(1 - 0.01 / (6 * 2 * 3), 12);
    const m = judgedMinutes(900, 180);
    const slow = v.proportions.find((p) => p.metric === 'slow')!;
    expect(slow.upper).toBeCloseTo(newcombe(0.05 * 50 * m, 50 * m, 0.05 * 950 * m, 950 * m, zFor(v.perLookConfidence), true).upper, 12);
  });

  it('the last step compares nothing, so it rules nothing out', () => {
    expect(canaryEvidence(1000, plan).steps[3].needed).toMatchObject({ looks: 1 });
  });

  it('says what the judge would still find when the first step has the minimum but not the rest', () => {
    // 100 a minute at 5%: 130 new requests by the longest bake, over the minimum, but not enough to rule out 5 pp of slow requests.
    const e = canaryEvidence(100, plan);
    expect(e.thin).toBe(true);
    expect(e.steps[0].atLongest.new).toBe(130);
    expect(thinMessage(e, plan)).toMatch(/gives the new color about 130 requests by its longest bake \(1800 s, 26 complete minutes\), enough for judge.minRequestsPerColor \(100\), but at the last hour's 0.30% failed and 5.00% slow requests the judge would still find: .*not yet ruled out; a pass needs it below 5 percentage points/);
    expect(e.smallestFirstStep).toBeGreaterThan(5);
    expect(canaryEvidence(100, { ...plan, steps: [e.smallestFirstStep!, 100] }).thin).toBe(false);
  });
});

describe('properties', () => {
  it('more traffic never needs longer', () => {
    fc.assert(
      fc.property(planArb, rateArb, rateArb, (plan, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        for (const percent of [...plan.steps, 50]) expect(seconds(high, percent, plan)).toBeLessThanOrEqual(seconds(low, percent, plan));
        if (canaryEvidence(high, plan).thin) expect(canaryEvidence(low, plan).thin).toBe(true);
      }),
    );
  });

  it('a larger first step never needs longer (up to half the traffic, where the new color is the one short of requests)', () => {
    fc.assert(
      fc.property(planArb, rateArb, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (plan, rate, a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(seconds(rate, large, plan)).toBeLessThanOrEqual(seconds(rate, small, plan));
      }),
    );
  });

  it('the suggested first step always works at the given rate, and is the smallest that does', () => {
    fc.assert(
      fc.property(planArb, rateArb, (plan, rate) => {
        const e = canaryEvidence(rate, plan);
        const works = (p: number) => !canaryEvidence(rate, { ...plan, steps: [p, 100] }).thin;
        if (e.smallestFirstStep === undefined) {
          for (let p = 1; p < 100; p++) expect(works(p)).toBe(false);
        } else {
          expect(works(e.smallestFirstStep)).toBe(true);
          if (e.smallestFirstStep > 1) expect(works(e.smallestFirstStep - 1)).toBe(false);
          // A thin plan's own first step is below it (or above half, where the old color runs short).
          if (e.thin) expect(plan.steps[0] < e.smallestFirstStep || plan.steps[0] > 50).toBe(true);
        }
      }),
    );
  });

  it('the bake needed is the first whole number of bakes whose complete minutes hold the minimum for each compared color', () => {
    fc.assert(
      fc.property(planArb, rateArb, fc.integer({ min: 1, max: 100 }), (plan, rate, percent) => {
        const s = stepEvidence(rate, percent, 1, plan);
        const enough = (looks: number) => {
          const m = judgedMinutes(looks * plan.bakeSeconds, plan.metricDelaySeconds);
          // The same arithmetic as the estimate: requests a minute, times minutes.
          const [n, o] = [((rate * percent) / 100) * m, ((rate * (100 - percent)) / 100) * m];
          if (n < plan.minRequestsPerColor || (percent < 100 && o < plan.minRequestsPerColor)) return false;
          return !plan.judge || judgeAt(rate, percent, looks, { ...plan, judge: plan.judge }).decision === 'PASS';
        };
        expect(s.withinLongest).toBe(s.needed !== undefined && s.needed.looks <= looksFor(plan.bakeSeconds, plan.maxBakeSeconds));
        if (s.needed) {
          expect(enough(s.needed.looks)).toBe(true);
          if (s.needed.looks > 1) expect(enough(s.needed.looks - 1)).toBe(false);
          expect(s.needed.seconds).toBe(s.needed.looks * plan.bakeSeconds);
        } else {
          expect(enough(looksFor(plan.bakeSeconds, plan.maxBakeSeconds))).toBe(false);
          // Not within a day of bakes either.
          if (plan.bakeSeconds > 0) expect(enough(Math.max(looksFor(plan.bakeSeconds, plan.maxBakeSeconds), Math.ceil(86_400 / plan.bakeSeconds)))).toBe(false);
        }
      }),
    );
  });
});

describe('pre-flight: low traffic told in advance', () => {
  const { CANARY_CHECK, goNoGo } = require('../../../lambda/shared/decisions/preflight') as typeof import('../../../lambda/shared/decisions/preflight');
  const { dnsReadiness } = require('../../../lambda/shared/decisions/dns') as typeof import('../../../lambda/shared/decisions/dns');
  const judge = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, ceilingPercent: 5, onBothBad: 'rollback' as const };
  const healthy = {
    liveColor: 'blue' as const,
    weights: { blue: 100, green: 0 },
    live: { desired: 2, running: 2, healthyTargets: 2, deploymentsInProgress: 0 },
    idle: { desired: 0, running: 0, healthyTargets: 0, deploymentsInProgress: 0, targetGroupExists: true },
    alarms: [{ name: 'a', state: 'OK' }],
    waf: { mode: 'COUNT' as const },
  };
  const traffic = (perMinute: number, acceptThinCanary = false) => ({
    lastHour: { minutes: 60, reportedMinutes: 60, requests: perMinute * 60, failed: perMinute * 60 * 0.003, slow: perMinute * 60 * 0.05 },
    plan: PRODUCTION,
    judge,
    acceptThinCanary,
  });

  it('at a busy hour: go, with each step\'s requests per bake and what the first check can tell', () => {
    const r = goNoGo({ ...healthy, traffic: traffic(1000) });
    expect(r.go).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.canary).toMatchObject({ thin: false, accepted: false, lastHour: { requestsPerMinute: 1000, failedPercent: expect.closeTo(0.3, 6) } });
    // 100 requests per color after 2 bakes, but ruling out 5 pp of slow requests (5% of them are slow) takes 3.
    expect(r.notes).toContain('step 1: 5%: new 50, old 950 requests per bake (1 complete minute); evidence to pass (100 requests per color, a 5 pp regression ruled out) after 3 bakes (900 s)');
    expect(r.notes).toContain('step 4: 100%: new 1,000 requests per bake (1 complete minute); evidence to pass (100 requests per color) in one bake');
    // At the check that can first pass: 900 s, 11 complete minutes.
    expect(r.notes.join('\n')).toMatch(/900 s into the first step \(about 550 new and 10450 old requests\) the judge can tell a regression of \d+\.\d\d pp in failed or \d+\.\d\d pp in slow requests from noise/);
    expect(r.checks.find((c) => c.check === CANARY_CHECK)).toMatchObject({ ok: true });
  });

  it('too thin: a failed check naming the smallest first step that would work', () => {
    const r = goNoGo({ ...healthy, traffic: traffic(40) });
    expect(r.go).toBe(false);
    expect(r.reasons).toEqual([expect.stringMatching(/^first step can be judged within judge.maxBakeSeconds: at the last hour's 40 requests a minute, a 5% first step .*short of judge.minRequestsPerColor \(100\); the smallest first step that would do is (\d+)%/)]);
    expect(r.canary).toMatchObject({ thin: true, accepted: false, evidence: { ruleOutPercentPoints: 5 } });
    // Far above the 10% the bare minimum would ask: ruling out 5 pp of a 5% slow share takes far more requests.
    const smallest = r.canary!.evidence.smallestFirstStep!;
    expect(r.reasons[0]).toContain(`would do is ${smallest}%`);
    expect(smallest).toBeGreaterThan(canaryEvidence(40, PRODUCTION).smallestFirstStep!);
    expect(canaryEvidence(40, { ...PRODUCTION, steps: [smallest, 100], judge: { settings: judge, failed: 0.003, slow: 0.05 } }).thin).toBe(false);
  });

  it('too thin but accepted: go, with the warning', () => {
    const r = goNoGo({ ...healthy, traffic: traffic(40, true) });
    expect(r.go).toBe(true);
    expect(r.warnings[0]).toMatch(/^thin canary accepted \(acceptThinCanary\): at the last hour's 40 requests a minute/);
    // At 40 a minute the 25% step runs short too: said, not refused.
    expect(r.warnings.slice(1)).toEqual(['steps 2 (25%), 3 (50%) will not gather the evidence to pass within the longest bake at the last hour\'s rate: unless traffic rises the cutover fails there with InsufficientTraffic']);
  });

  it('warns of a later step that runs short, without refusing', () => {
    const r = goNoGo({ ...healthy, traffic: { ...traffic(300), plan: { ...PRODUCTION, steps: [10, 99, 100] } } });
    expect(r.go).toBe(true);
    expect(r.warnings).toEqual([expect.stringMatching(/^step 2 \(99%\) will not gather the evidence to pass within the longest bake/)]);
  });

  it('warns of a step that needs its longest bake: at expected counts it only just passes', () => {
    // 400 a minute at 0.3% failed and 5% slow: the 5% step needs all 6 bakes.
    const r = goNoGo({ ...healthy, traffic: traffic(400) });
    expect(r.canary!.evidence.steps[0].needed).toMatchObject({ looks: 6 });
    expect(r.go).toBe(true);
    expect(r.warnings).toContain("step 1 (5%) needs the longest bake (1800 s) at the last hour's rate: with less traffic than that it fails with InsufficientTraffic");
  });

  it('a DNS ramp has no clients on the load balancer yet: no estimate, no refusal', () => {
    const names = { recordName: 'shop.example.com', legacyEndpoint: 'legacy.example.net', legacySetIdentifier: 'legacy', albSetIdentifier: 'switchyard' };
    const dns = dnsReadiness([{ setIdentifier: 'legacy', type: 'CNAME', weight: 100, ttl: 60, values: ['legacy.example.net'], alias: false }], names);
    const r = goNoGo({ ...healthy, dns, traffic: traffic(0) });
    expect(r.go).toBe(true);
    expect(r.canary).toBeUndefined();
    expect(r.notes).toContain('DNS ramp: the load balancer serves no clients yet, so no per-step estimate');
  });
});
