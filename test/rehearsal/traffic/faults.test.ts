import fc from 'fast-check';
import { behaviourAt, isActive, Marks, momentAt } from '../../../rehearsal/traffic/faults';
import { Fault, faultSchema, HEALTHY, momentSchema, PublishedMetric, trafficSchema } from '../../../rehearsal/traffic/schema';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const marks: Marks = { startMs: T0, steps: [T0 + 10 * MIN, T0 + 20 * MIN], promotionMs: T0 + 30 * MIN };
const early: Marks = { startMs: T0, steps: [] };
const fault = (f: Record<string, unknown>): Fault => faultSchema.parse(f);

describe('momentAt', () => {
  it('start is when the simulation started', () => {
    expect(momentAt('start', marks)).toBe(T0);
  });
  it('step:N is when step N\'s weights were set, undefined before', () => {
    expect(momentAt('step:1', marks)).toBe(T0 + 10 * MIN);
    expect(momentAt('step:2', marks)).toBe(T0 + 20 * MIN);
    expect(momentAt('step:3', marks)).toBeUndefined();
    expect(momentAt('step:1', early)).toBeUndefined();
  });
  it('promotion is when the cutover promoted, undefined before', () => {
    expect(momentAt('promotion', marks)).toBe(T0 + 30 * MIN);
    expect(momentAt('promotion', early)).toBeUndefined();
  });
  it('minute:M counts from the first traffic shift, undefined before it', () => {
    expect(momentAt('minute:0', marks)).toBe(T0 + 10 * MIN);
    expect(momentAt('minute:7', marks)).toBe(T0 + 17 * MIN);
    expect(momentAt('minute:7', early)).toBeUndefined();
  });
});

describe('isActive', () => {
  it('is active from its from moment (inclusive) until its until moment (exclusive)', () => {
    const f = fault({ color: 'new', errorRatePercent: 50, from: 'step:1', until: 'promotion' });
    expect(isActive(f, marks, T0 + 10 * MIN - 1)).toBe(false);
    expect(isActive(f, marks, T0 + 10 * MIN)).toBe(true);
    expect(isActive(f, marks, T0 + 30 * MIN - 1)).toBe(true);
    expect(isActive(f, marks, T0 + 30 * MIN)).toBe(false);
  });
  it('is not active while its from moment has not come', () => {
    const f = fault({ color: 'new', errorRatePercent: 50, from: 'step:1' });
    expect(isActive(f, early, T0 + 60 * MIN)).toBe(false);
  });
  it('stays active while its until moment has not come, and without an until', () => {
    const f = fault({ color: 'new', errorRatePercent: 50, until: 'promotion' });
    expect(isActive(f, { ...marks, promotionMs: undefined }, T0 + 999 * MIN)).toBe(true);
    expect(isActive(fault({ color: 'old', p95Seconds: 3 }), marks, T0 + 999 * MIN)).toBe(true);
  });
  it('from start is active from the first instant (default from)', () => {
    const f = fault({ color: 'old', cpuPercent: 99 });
    expect(f.from).toBe('start');
    expect(isActive(f, early, T0)).toBe(true);
    expect(isActive(f, early, T0 - 1)).toBe(false);
  });
  it('a window is active exactly at the instants in [from, until) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: -5, max: 80 }), (a, b, t) => {
        const f = fault({ color: 'new', errorRatePercent: 1, from: `minute:${a}`, until: `minute:${b}` });
        const at = marks.steps[0] + t * MIN;
        expect(isActive(f, marks, at)).toBe(t >= a && t < b);
      }),
    );
  });
});

describe('behaviourAt', () => {
  const traffic = trafficSchema.parse({});
  const colors = { old: 'green', new: 'blue' } as const;
  const during = T0 + 15 * MIN;

  it('without faults both colors behave as the traffic says (healthy defaults)', () => {
    const r = behaviourAt(traffic, [], colors, marks, during);
    expect(r.behaviour.blue).toEqual(HEALTHY);
    expect(r.behaviour.green).toEqual(HEALTHY);
    expect(r.active).toEqual([]);
    expect(r.sharedMetrics).toEqual([]);
  });

  it('takes the traffic\'s own behaviour for both colors', () => {
    const r = behaviourAt(trafficSchema.parse({ errorRatePercent: 2, p95Seconds: 0.4 }), [], colors, marks, during);
    expect(r.behaviour.blue).toEqual({ ...HEALTHY, errorRatePercent: 2, p95Seconds: 0.4 });
    expect(r.behaviour.green).toEqual(r.behaviour.blue);
  });

  it('lays a fault over the real color "new" and "old" stand for', () => {
    const onNew = fault({ color: 'new', errorRatePercent: 40 });
    const onOld = fault({ color: 'old', p95Seconds: 4 });
    const r = behaviourAt(traffic, [onNew, onOld], colors, marks, during);
    expect(r.behaviour.blue).toEqual({ ...HEALTHY, errorRatePercent: 40 });
    expect(r.behaviour.green).toEqual({ ...HEALTHY, p95Seconds: 4 });
    const swapped = behaviourAt(traffic, [onNew], { old: 'blue', new: 'green' }, marks, during);
    expect(swapped.behaviour.green.errorRatePercent).toBe(40);
    expect(swapped.behaviour.blue.errorRatePercent).toBe(HEALTHY.errorRatePercent);
    expect(r.active).toEqual([onNew, onOld]);
  });

  it('ignores faults that are not active', () => {
    const later = fault({ color: 'new', errorRatePercent: 40, from: 'promotion' });
    const r = behaviourAt(traffic, [later], colors, marks, during);
    expect(r.behaviour.blue).toEqual(HEALTHY);
    expect(r.active).toEqual([]);
  });

  it('a later fault wins a field both set; fields only the earlier one sets stay', () => {
    const first = fault({ color: 'new', errorRatePercent: 10, unhealthyTargets: 1 });
    const second = fault({ color: 'new', errorRatePercent: 60, from: 'step:1' });
    const r = behaviourAt(traffic, [first, second], colors, marks, during);
    expect(r.behaviour.blue).toMatchObject({ errorRatePercent: 60, unhealthyTargets: 1 });
    const reversed = behaviourAt(traffic, [second, first], colors, marks, during);
    expect(reversed.behaviour.blue.errorRatePercent).toBe(10);
  });

  const depth = (value: number): PublishedMetric => ({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, value });
  const rate = (value: number): PublishedMetric => ({ namespace: 'Shop/Checkout', metricName: 'FailureRate', dimensions: { Color: '{color}' }, value });

  it('a fault\'s shared metric replaces the traffic\'s, for both colors', () => {
    const t = trafficSchema.parse({ metrics: [depth(5)] });
    expect(behaviourAt(t, [], colors, marks, during).sharedMetrics).toEqual([depth(5)]);
    const r = behaviourAt(t, [fault({ color: 'new', metrics: [depth(5000)] })], colors, marks, during);
    expect(r.sharedMetrics).toEqual([depth(5000)]);
    // Shared metrics are not a color's.
    expect(r.behaviour.blue.metrics).toEqual([]);
  });

  it('a fault\'s {color} metric replaces the traffic\'s for its color only', () => {
    const t = trafficSchema.parse({ metrics: [rate(0.2)] });
    const r = behaviourAt(t, [fault({ color: 'new', metrics: [rate(7)] })], colors, marks, during);
    expect(r.behaviour.blue.metrics).toEqual([rate(7)]);
    expect(r.behaviour.green.metrics).toEqual([rate(0.2)]);
    expect(r.sharedMetrics).toEqual([]);
  });
});

describe('faultSchema and momentSchema', () => {
  it('accepts a fault with one behaviour field, from start by default', () => {
    expect(fault({ color: 'old', taskExitsPerMinute: 0.3 })).toEqual({ color: 'old', from: 'start', taskExitsPerMinute: 0.3 });
  });

  it('refuses a fault with no behaviour field, listing the fields', () => {
    const r = faultSchema.safeParse({ color: 'new', from: 'step:1' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^a fault must set at least one of errorRatePercent, loadBalancer5xxPercent, p95Seconds, .*metrics$/)]);
  });

  it('refuses a color other than new or old with the schema\'s message', () => {
    const r = faultSchema.safeParse({ color: 'blue', errorRatePercent: 5 });
    expect(r.error!.issues[0].message).toBe('color must be "new" or "old"');
  });

  it.each(['step:0', 'step:', 'minute:-1', 'minute:x', 'later', 'Start', ' start', 'promotion:1'])('refuses the moment %p with the schema\'s message', (m) => {
    const msg = 'a moment is "start", "step:N" (N from 1), "promotion" or "minute:M" (minutes after the first traffic shift)';
    expect(momentSchema.safeParse(m).error!.issues[0].message).toBe(msg);
    for (const field of ['from', 'until']) {
      const r = faultSchema.safeParse({ color: 'new', errorRatePercent: 5, [field]: m });
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([field, msg]);
    }
  });

  it.each(['start', 'promotion', 'step:1', 'step:12', 'minute:0', 'minute:45'])('accepts the moment %p', (m) => {
    expect(faultSchema.parse({ color: 'new', errorRatePercent: 5, until: m }).until).toBe(m);
  });

  it('refuses percentages out of range with the field\'s message', () => {
    const r = faultSchema.safeParse({ color: 'new', errorRatePercent: 120 });
    expect(r.error!.issues.map((i) => i.message)).toContain('errorRatePercent must be at most 100');
  });
});
