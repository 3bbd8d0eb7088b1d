import fc from 'fast-check';
import { COLORS, Color, otherColor } from '../../../lambda/shared/colors';
import { bakeOutcome, BakeFacts } from '../../../lambda/shared/decisions/bake';
import { Verdict } from '../../../lambda/shared/decisions/judge';
import { MAX_WEIGHT, percentOf, rollbackWeights, sameWeights, soleColor, stepsFor, validateWeights, weightsAt } from '../../../lambda/shared/decisions/weights';

const color = fc.constantFrom<Color>(...COLORS);
const state = fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA');
const verdict = fc.record({
  decision: fc.constantFrom<Verdict['decision']>('PASS', 'FAIL', 'HOLD', 'INCONCLUSIVE'),
  error: fc.option(fc.constantFrom<NonNullable<Verdict['error']>>('JudgedWorse', 'AboveCeiling', 'BothColorsBad'), { nil: undefined }),
  reason: fc.constantFrom('r1', 'r2'),
}).map((v) => v as unknown as Verdict);
const facts = fc.record({
  alarmState: state,
  healthyTargets: fc.integer({ min: 0, max: 4 }),
  desired: fc.integer({ min: 0, max: 4 }),
  verdict,
  look: fc.integer({ min: 1, max: 6 }),
  maxLooks: fc.integer({ min: 1, max: 6 }),
  holdWhenBothBad: fc.option(fc.boolean(), { nil: undefined }),
  otherAlarmState: fc.option(state, { nil: undefined }),
}) as fc.Arbitrary<BakeFacts>;

describe('bake outcome: properties, both directions', () => {
  it('passes exactly when the alarm is not in ALARM, capacity is full and the judge says PASS', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const passes = f.alarmState !== 'ALARM' && f.healthyTargets >= f.desired && f.verdict.decision === 'PASS';
        expect(bakeOutcome(f).action === 'pass').toBe(passes);
      }),
    );
  });
  it('extends only before the last look, and only on an undecided verdict or a shared alarm in hold mode', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const o = bakeOutcome(f);
        if (o.action !== 'extend') return;
        expect(f.look).toBeLessThan(f.maxLooks);
        expect(f.healthyTargets >= f.desired || f.alarmState === 'ALARM').toBe(true);
        if (f.alarmState === 'ALARM') expect([f.holdWhenBothBad, f.otherAlarmState, o.hold]).toEqual([true, 'ALARM', true]);
        else expect(o.hold).toBe(f.verdict.decision === 'HOLD');
        expect(['PASS', 'FAIL']).not.toContain(f.alarmState === 'ALARM' ? 'HOLD' : f.verdict.decision);
      }),
    );
  });
  it('at the last look nothing extends: an undecided step fails, named by why', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const o = bakeOutcome({ ...f, look: f.maxLooks });
        expect(o.action).not.toBe('extend');
        if (o.action !== 'fail') return;
        if (f.alarmState === 'ALARM') expect(o.error).toBe(f.holdWhenBothBad === true && f.otherAlarmState === 'ALARM' && f.verdict.decision !== 'FAIL' ? 'BothColorsBad' : 'AlarmBreached');
        else if (f.healthyTargets < f.desired) expect(o.error).toBe('IdleNeverHealthy');
        else expect(o.error).toBe({ FAIL: f.verdict.error ?? 'JudgedWorse', HOLD: 'BothColorsBad', INCONCLUSIVE: 'InsufficientTraffic', PASS: 'none' }[f.verdict.decision]);
      }),
    );
  });
  it('names each failure exactly', () => {
    const v = (decision: Verdict['decision'], error?: Verdict['error']) => ({ decision, error, reason: 'why' }) as unknown as Verdict;
    const ok: BakeFacts = { alarmState: 'OK', healthyTargets: 2, desired: 2, verdict: v('PASS'), look: 1, maxLooks: 3 };
    expect(bakeOutcome({ ...ok, alarmState: 'ALARM' })).toEqual({ action: 'fail', error: 'AlarmBreached', reason: "the new color's rollback alarm is in ALARM" });
    expect(bakeOutcome({ ...ok, healthyTargets: 1 })).toEqual({ action: 'fail', error: 'IdleNeverHealthy', reason: 'only 1 of 2 targets of the new color are healthy' });
    expect(bakeOutcome({ ...ok, verdict: v('FAIL') })).toEqual({ action: 'fail', error: 'JudgedWorse', reason: 'why' });
    expect(bakeOutcome({ ...ok, verdict: v('FAIL', 'AboveCeiling') })).toEqual({ action: 'fail', error: 'AboveCeiling', reason: 'why' });
    expect(bakeOutcome({ ...ok, verdict: v('HOLD') })).toEqual({ action: 'extend', reason: 'why', hold: true });
    expect(bakeOutcome({ ...ok, verdict: v('HOLD'), look: 3 })).toEqual({ action: 'fail', error: 'BothColorsBad', reason: 'the hold ran out after 3 looks: why' });
    expect(bakeOutcome({ ...ok, verdict: v('INCONCLUSIVE') })).toEqual({ action: 'extend', reason: 'why', hold: false });
    expect(bakeOutcome({ ...ok, verdict: v('INCONCLUSIVE'), look: 4 })).toEqual({ action: 'fail', error: 'InsufficientTraffic', reason: 'still inconclusive after 4 looks (the longest bake): why' });
    const shared = { ...ok, alarmState: 'ALARM', holdWhenBothBad: true, otherAlarmState: 'ALARM' };
    expect(bakeOutcome(shared)).toEqual({ action: 'extend', reason: "both colors' rollback alarms are in ALARM and the new color is not worse than the old", hold: true });
    expect(bakeOutcome({ ...shared, look: 3 })).toEqual({ action: 'fail', error: 'BothColorsBad', reason: "the hold ran out after 3 looks: both colors' rollback alarms are in ALARM and the new color is not worse than the old" });
    expect(bakeOutcome({ ...shared, verdict: v('FAIL') })).toMatchObject({ action: 'fail', error: 'AlarmBreached' });
  });
});

describe('weights: properties over the whole domain', () => {
  const tenths = fc.integer({ min: 0, max: 1000 });
  it('every percent with one decimal from 0 to 100: valid ALB weights that give back that percent', () => {
    fc.assert(
      fc.property(tenths, color, (t, c) => {
        const p = t / 10;
        const w = weightsAt(p, c);
        expect(() => validateWeights(w)).not.toThrow();
        expect(percentOf(w, c)).toBe(p);
        expect(percentOf(w, otherColor(c))).toBe(Math.round(1000 - t) / 10);
        expect(w.blue + w.green).toBe(t % 10 === 0 ? 100 : 1000);
        expect(soleColor(w)).toBe(t === 1000 ? c : t === 0 ? otherColor(c) : undefined);
      }),
    );
  });
  it('anything else is refused: out of range, more than one decimal, not a number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -1e6, max: -1e-3, noNaN: true }), fc.double({ min: 100.001, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 9999 }).filter((x) => x % 10 !== 0).map((x) => x / 100), fc.constant(Number.NaN)), color, (p, c) => {
        expect(() => weightsAt(p, c)).toThrow(RangeError);
      }),
    );
  });
  it('a negative percent is refused even when it has one decimal, naming what it got', () => {
    expect(() => weightsAt(-0.1, 'green')).toThrow(new RangeError('a step is a percent from 0 to 100 with at most one decimal, got -0.1'));
    expect(() => weightsAt(-50, 'blue')).toThrow(RangeError);
  });
  it('arithmetic noise up to 1e-9 of a tenth is that tenth (0.1 + 0.2 is 0.3), more is refused', () => {
    expect(weightsAt(0.1 + 0.2, 'green')).toEqual({ green: 3, blue: 997 });
    // 1e-10 * 10 is exactly the tolerance.
    expect(weightsAt(1e-10, 'green')).toEqual({ green: 0, blue: 100 });
    expect(() => weightsAt(2e-10, 'green')).toThrow(RangeError);
  });
  it('each strategy has its own ramp', () => {
    expect(stepsFor('canary', [5, 50, 100])).toEqual([5, 50, 100]);
    expect(stepsFor('linear', [5, 50, 100])).toEqual([20, 40, 60, 80, 100]);
    expect(stepsFor('all-at-once', [5, 50, 100])).toEqual([100]);
  });
  it('validateWeights accepts exactly whole numbers 0 to 999 with at least one above 0', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: MAX_WEIGHT + 5 }), fc.double({ min: 0, max: 999, noNaN: true })), fc.integer({ min: -5, max: MAX_WEIGHT + 5 }), (b, g) => {
        const ok = Number.isInteger(b) && b >= 0 && b <= MAX_WEIGHT && g >= 0 && g <= MAX_WEIGHT && b + g > 0;
        if (ok) expect(() => validateWeights({ blue: b, green: g })).not.toThrow();
        else expect(() => validateWeights({ blue: b, green: g })).toThrow(RangeError);
      }),
    );
  });
  it('rollback weights put everything on one color; sameWeights compares both colors', () => {
    fc.assert(
      fc.property(color, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (c, b, g) => {
        expect(rollbackWeights(c)).toEqual({ [c]: 100, [otherColor(c)]: 0 });
        expect(sameWeights({ blue: b, green: g }, { blue: b, green: g })).toBe(true);
        expect(sameWeights({ blue: b, green: g }, { blue: b + 1, green: g })).toBe(false);
        expect(sameWeights({ blue: b, green: g }, { blue: b, green: g + 1 })).toBe(false);
      }),
    );
    expect(percentOf({ blue: 0, green: 0 }, 'green')).toBe(0);
    expect(soleColor({ blue: 0, green: 0 })).toBeUndefined();
  });
});
