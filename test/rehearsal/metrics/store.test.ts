import fc from 'fast-check';
import { Datapoint, MetricId, MetricStore, parseStatistic, Statistic, UnsupportedStatistic } from '../../../rehearsal/metrics/store';
import { latencyFromP95, mixtureCdf, mixtureQuantile, quantile } from '../../../rehearsal/traffic/latency';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const at = (minute: number) => T0 + minute * MIN;

const requests: MetricId = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { TargetGroup: 'targetgroup/shop-dev-blue/123', LoadBalancer: 'app/shop-dev/abc' } };
const latency: MetricId = { ...requests, metricName: 'TargetResponseTime' };
const stat = (s: string): Statistic => parseStatistic(s);

/** A statistic set published for `minute`, visible one minute after it ends unless said otherwise. */
function point(minute: number, values: number[], visibleAtMs = at(minute + 2)): Datapoint {
  return { timestamp: at(minute), visibleAtMs, sampleCount: values.length, sum: values.reduce((a, b) => a + b, 0), minimum: Math.min(...values), maximum: Math.max(...values) };
}

describe('parseStatistic', () => {
  it.each(['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'])('reads %s', (s) => {
    expect(parseStatistic(s)).toEqual({ kind: s });
  });
  it.each([
    ['p95', 0.95],
    ['p99.9', 0.999],
    ['p50', 0.5],
    ['p0.5', 0.005],
    ['p100', 1],
    ['p0', 0],
  ])('reads the percentile %s', (s, q) => {
    const parsed = parseStatistic(s);
    expect(parsed.kind).toBe('percentile');
    expect((parsed as { q: number }).q).toBeCloseTo(q, 12);
  });
  it.each([
    ['PR(:0.5)', { kind: 'rank', lower: undefined, upper: 0.5 }],
    ['PR(0.1:2)', { kind: 'rank', lower: 0.1, upper: 2 }],
    ['PR(0.25:)', { kind: 'rank', lower: 0.25, upper: undefined }],
  ])('reads the percentile rank %s', (s, want) => {
    expect(parseStatistic(s)).toEqual(want);
  });
  it.each(['TM(10%:90%)', 'tm90', 'PR(:)', 'PR(a:b)', 'sum', 'p', 'p95x', 'IQM', 'garbage', ''])('refuses %p, naming it', (s) => {
    expect(() => parseStatistic(s)).toThrow(UnsupportedStatistic);
    expect(() => parseStatistic(s)).toThrow(`statistic "${s}"`);
  });
});

describe('MetricStore.value and values', () => {
  it('p0 and p100 of plain samples are their minimum and maximum', () => {
    const store = new MetricStore();
    for (const v of [3, 1, 2]) store.put(requests, point(0, [v], at(1)));
    expect(store.value(requests, stat('p0'), at(0), MIN, at(1))).toBe(1);
    expect(store.value(requests, stat('p100'), at(0), MIN, at(1))).toBe(3);
  });

  it('counts only datapoints visible at the reading instant', () => {
    const store = new MetricStore();
    store.put(requests, point(0, [100], at(3)));
    expect(store.value(requests, stat('Sum'), at(0), MIN, at(3) - 1)).toBeUndefined();
    expect(store.value(requests, stat('Sum'), at(0), MIN, at(3))).toBe(100);
  });

  it('has no value for a metric it never saw, or a period without datapoints', () => {
    const store = new MetricStore();
    store.put(requests, point(0, [5]));
    expect(store.value(latency, stat('Sum'), at(0), MIN, at(10))).toBeUndefined();
    expect(store.value(requests, stat('Sum'), at(1), MIN, at(10))).toBeUndefined();
    expect(store.values(requests, stat('Sum'), at(-1), MIN, 3, at(10))).toEqual([null, 5, null]);
  });

  it('buckets minutes into longer periods, each datapoint in exactly one', () => {
    const store = new MetricStore();
    for (let m = 0; m < 10; m++) store.put(requests, point(m, [m + 1]));
    // Five-minute periods: minutes 0-4 then 5-9.
    expect(store.values(requests, stat('Sum'), at(0), 5 * MIN, 2, at(20))).toEqual([15, 40]);
    expect(store.values(requests, stat('SampleCount'), at(0), 5 * MIN, 2, at(20))).toEqual([5, 5]);
    // A period starting mid-way: minutes 3-5.
    expect(store.value(requests, stat('Sum'), at(3), 3 * MIN, at(20))).toBe(4 + 5 + 6);
    // Read early, only the visible part of the period counts.
    expect(store.value(requests, stat('Sum'), at(0), 5 * MIN, at(4))).toBe(1 + 2 + 3);
  });

  it('aggregates statistic sets: Sum, Average, Minimum, Maximum, SampleCount', () => {
    const store = new MetricStore();
    store.put(latency, point(0, [1, 2, 3]));
    store.put(latency, point(0, [10]));
    store.put(latency, point(1, [4, 8]));
    const read = (s: string) => store.value(latency, stat(s), at(0), 2 * MIN, at(10));
    expect(read('Sum')).toBe(28);
    expect(read('SampleCount')).toBe(6);
    expect(read('Average')).toBeCloseTo(28 / 6, 12);
    expect(read('Minimum')).toBe(1);
    expect(read('Maximum')).toBe(10);
  });

  it('Average of datapoints with no samples has no value', () => {
    const store = new MetricStore();
    store.put(requests, { timestamp: at(0), visibleAtMs: at(0), sampleCount: 0, sum: 0, minimum: 0, maximum: 0 });
    expect(store.value(requests, stat('Average'), at(0), MIN, at(1))).toBeUndefined();
    expect(store.value(requests, stat('Sum'), at(0), MIN, at(1))).toBe(0);
  });

  it('answers percentiles and percentile ranks from the published log-normal distributions, weighted by sample count', () => {
    const store = new MetricStore();
    const fast = latencyFromP95(0.25);
    const slow = latencyFromP95(3);
    const put = (minute: number, dist: typeof fast, n: number) =>
      store.put(latency, { timestamp: at(minute), visibleAtMs: at(minute + 2), sampleCount: n, sum: n * quantile(dist, 0.5), minimum: quantile(dist, 0.001), maximum: quantile(dist, 0.999), distribution: dist });
    put(0, fast, 900);
    put(1, slow, 100);
    expect(store.value(latency, stat('p95'), at(0), MIN, at(10))).toBe(quantile(fast, 0.95));
    expect(store.value(latency, stat('p95'), at(1), MIN, at(10))).toBe(quantile(slow, 0.95));
    const parts = [
      { dist: fast, count: 900 },
      { dist: slow, count: 100 },
    ];
    const both = store.value(latency, stat('p95'), at(0), 2 * MIN, at(10))!;
    expect(both).toBe(mixtureQuantile(parts, 0.95));
    expect(both).toBeGreaterThan(quantile(fast, 0.95));
    expect(both).toBeLessThan(quantile(slow, 0.95));
    expect(store.value(latency, stat('p99.9'), at(0), MIN, at(10))).toBeCloseTo(quantile(fast, 0.999), 12);
    // PR(:x) is the share at or below x; PR(a:b) the share in (a, b], in percent.
    expect(store.value(latency, stat('PR(:0.25)'), at(0), MIN, at(10))).toBeCloseTo(95, 9);
    expect(store.value(latency, stat('PR(:0.5)'), at(0), 2 * MIN, at(10))).toBeCloseTo(100 * mixtureCdf(parts, 0.5), 9);
    expect(store.value(latency, stat('PR(0.1:2)'), at(0), 2 * MIN, at(10))).toBeCloseTo(100 * (mixtureCdf(parts, 2) - mixtureCdf(parts, 0.1)), 9);
    expect(store.value(latency, stat('PR(0.25:)'), at(0), MIN, at(10))).toBeCloseTo(5, 9);
  });

  it('answers percentiles of plain samples empirically (nearest rank), and ranks with the lower bound exclusive, upper inclusive', () => {
    const store = new MetricStore();
    // Ten one-value datapoints: 1..10, shuffled.
    [7, 3, 10, 1, 5, 9, 2, 8, 4, 6].forEach((v, i) => store.put(latency, point(i % 2, [v])));
    const read = (s: string) => store.value(latency, stat(s), at(0), 2 * MIN, at(10));
    expect(read('p50')).toBe(5);
    expect(read('p90')).toBe(9);
    expect(read('p95')).toBe(10);
    expect(read('p10')).toBe(1);
    expect(read('PR(:3)')).toBe(30);
    expect(read('PR(3:6)')).toBe(30);
    expect(read('PR(9.5:)')).toBe(10);
  });

  it('empirical percentiles are one of the samples and do not fall as q rises (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 }), (samples, a, b) => {
        const store = new MetricStore();
        samples.forEach((v) => store.put(latency, point(0, [v])));
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const pLo = store.value(latency, stat(`p${lo}`), at(0), MIN, at(5))!;
        const pHi = store.value(latency, stat(`p${hi}`), at(0), MIN, at(5))!;
        expect(samples).toContain(pLo);
        expect(pLo).toBeLessThanOrEqual(pHi);
      }),
    );
  });
});

describe('MetricStore.takeUnsent', () => {
  it('returns each datapoint once, when it becomes visible, oldest first', () => {
    const store = new MetricStore();
    store.put(requests, point(0, [1], at(2)));
    store.put(latency, point(0, [0.2], at(4)));
    store.put(requests, point(1, [2], at(3)));
    expect(store.takeUnsent(at(1))).toEqual([]);
    expect(store.takeUnsent(at(3)).map((d) => [d.id.metricName, d.point.sum])).toEqual([
      ['RequestCount', 1],
      ['RequestCount', 2],
    ]);
    expect(store.takeUnsent(at(3))).toEqual([]);
    expect(store.takeUnsent(at(10)).map((d) => d.id.metricName)).toEqual(['TargetResponseTime']);
    expect(store.takeUnsent(at(100))).toEqual([]);
  });

  it('hands over every put datapoint exactly once, whatever the reading instants (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 6 }),
        (visibleMinutes, reads) => {
          const store = new MetricStore();
          visibleMinutes.forEach((v, i) => store.put(requests, { ...point(0, [i]), visibleAtMs: at(v) }));
          const seen: number[] = [];
          for (const r of [...reads].sort((x, y) => x - y)) {
            for (const d of store.takeUnsent(at(r))) {
              expect(d.point.visibleAtMs).toBeLessThanOrEqual(at(r));
              seen.push(d.point.sum);
            }
          }
          for (const d of store.takeUnsent(at(30))) seen.push(d.point.sum);
          expect(seen.sort((x, y) => x - y)).toEqual(visibleMinutes.map((_, i) => i));
        },
      ),
    );
  });

  it('with metrics named, hands over only theirs and keeps the others for a later call', () => {
    const store = new MetricStore();
    store.put(requests, point(0, [1]));
    store.put(latency, point(0, [0.2]));
    store.put(requests, point(1, [2]));
    // The same metric as a new object, its dimensions in another order (as a query would name it).
    const asked: MetricId = { namespace: requests.namespace, metricName: requests.metricName, dimensions: { LoadBalancer: 'app/shop-dev/abc', TargetGroup: 'targetgroup/shop-dev-blue/123' } };
    expect(store.takeUnsent(at(10), [asked]).map((d) => [d.id.metricName, d.point.sum])).toEqual([
      ['RequestCount', 1],
      ['RequestCount', 2],
    ]);
    expect(store.takeUnsent(at(10), [asked])).toEqual([]);
    expect(store.takeUnsent(at(10), [{ ...requests, metricName: 'HTTPCode_Target_5XX_Count' }])).toEqual([]);
    expect(store.takeUnsent(at(10)).map((d) => d.id.metricName)).toEqual(['TargetResponseTime']);
  });

  it('hands over every put datapoint exactly once, after it is visible, whichever metrics each read names (property)', () => {
    const ids = [requests, latency, { ...requests, metricName: 'HTTPCode_Target_5XX_Count' }];
    fc.assert(
      fc.property(
        fc.array(fc.record({ metric: fc.integer({ min: 0, max: 2 }), visible: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 25 }), only: fc.option(fc.subarray([0, 1, 2])) }), { maxLength: 8 }),
        (puts, reads) => {
          const store = new MetricStore();
          puts.forEach((p, i) => store.put(ids[p.metric], { ...point(0, [i]), visibleAtMs: at(p.visible) }));
          const seen: number[] = [];
          for (const r of [...reads].sort((x, y) => x.at - y.at)) {
            const only = r.only === null ? undefined : r.only.map((m) => ids[m]);
            for (const d of store.takeUnsent(at(r.at), only)) {
              expect(d.point.visibleAtMs).toBeLessThanOrEqual(at(r.at));
              if (only) expect(only).toContain(d.id);
              seen.push(d.point.sum);
            }
          }
          for (const d of store.takeUnsent(at(30))) seen.push(d.point.sum);
          expect(seen.sort((x, y) => x - y)).toEqual(puts.map((_, i) => i));
        },
      ),
    );
  });

  it('does not affect what value() reads', () => {
    const store = new MetricStore();
    store.put(requests, point(0, [7]));
    store.takeUnsent(at(10));
    expect(store.value(requests, stat('Sum'), at(0), MIN, at(10))).toBe(7);
    expect(store.metrics()).toEqual([requests]);
  });
});
