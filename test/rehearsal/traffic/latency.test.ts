import fc from 'fast-check';
import { cdf, Component, latencyFromP95, LATENCY_SIGMA, mean, mixtureCdf, mixtureQuantile, quantile } from '../../../rehearsal/traffic/latency';

const p95 = fc.double({ min: 0.001, max: 100, noNaN: true });
const q = fc.double({ min: 0.01, max: 0.99, noNaN: true });
const count = fc.integer({ min: 1, max: 100_000 });
const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

describe('latencyFromP95', () => {
  it('gives a distribution whose 95th percentile is the p95 it was made from', () => {
    fc.assert(
      fc.property(p95, (p) => {
        expect(close(quantile(latencyFromP95(p), 0.95), p)).toBe(true);
      }),
    );
  });

  it('uses the documented spread: p99 about 1.4x and p50 about 0.44x the p95', () => {
    const d = latencyFromP95(1);
    expect(d.sigma).toBe(LATENCY_SIGMA);
    expect(quantile(d, 0.99) / quantile(d, 0.95)).toBeCloseTo(1.41, 2);
    expect(quantile(d, 0.5)).toBeCloseTo(0.44, 2);
    // The mean of a log-normal sits above its median.
    expect(mean(d)).toBeGreaterThan(quantile(d, 0.5));
    expect(cdf(d, 1)).toBeCloseTo(0.95, 9);
  });

  it.each([0, -1, NaN])('refuses a p95 of %p', (bad) => {
    expect(() => latencyFromP95(bad)).toThrow(RangeError);
  });
});

describe('mixtures of request populations', () => {
  it('of one component is that component\'s quantile, whatever its count', () => {
    fc.assert(
      fc.property(p95, q, count, (p, qq, n) => {
        const d = latencyFromP95(p);
        expect(mixtureQuantile([{ dist: d, count: n }], qq)).toBe(quantile(d, qq));
      }),
    );
  });

  it('ignores components without requests', () => {
    const d = latencyFromP95(0.3);
    expect(mixtureQuantile([{ dist: latencyFromP95(50), count: 0 }, { dist: d, count: 10 }], 0.95)).toBe(quantile(d, 0.95));
  });

  it('without any request has no quantile or cdf', () => {
    expect(mixtureQuantile([], 0.5)).toBeNaN();
    expect(mixtureQuantile([{ dist: latencyFromP95(1), count: 0 }], 0.5)).toBeNaN();
    expect(mixtureCdf([{ dist: latencyFromP95(1), count: 0 }], 1)).toBeNaN();
  });

  it('of two components lies between their quantiles, and is the mixture cdf\'s inverse', () => {
    fc.assert(
      fc.property(p95, p95, count, count, q, (pa, pb, na, nb, qq) => {
        const parts: Component[] = [
          { dist: latencyFromP95(pa), count: na },
          { dist: latencyFromP95(pb), count: nb },
        ];
        const qa = quantile(parts[0].dist, qq);
        const qb = quantile(parts[1].dist, qq);
        const x = mixtureQuantile(parts, qq);
        const slack = 1e-6 * Math.max(qa, qb);
        expect(x).toBeGreaterThanOrEqual(Math.min(qa, qb) - slack);
        expect(x).toBeLessThanOrEqual(Math.max(qa, qb) + slack);
        expect(mixtureCdf(parts, x)).toBeCloseTo(qq, 5);
      }),
    );
  });

  it('weights the components by their counts: a thin slow canary moves the p95 only a little', () => {
    const fast = latencyFromP95(0.2);
    const slow = latencyFromP95(5);
    const thin = mixtureQuantile([{ dist: fast, count: 990 }, { dist: slow, count: 10 }], 0.95);
    const even = mixtureQuantile([{ dist: fast, count: 500 }, { dist: slow, count: 500 }], 0.95);
    expect(thin).toBeLessThan(even);
    expect(thin).toBeGreaterThan(0.2);
  });

  it('mixtureCdf is monotone in x and stays within 0..1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ p: p95, n: count }), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 1e-4, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-4, max: 1e3, noNaN: true }),
        (spec, x1, x2) => {
          const parts = spec.map(({ p, n }) => ({ dist: latencyFromP95(p), count: n }));
          const [lo, hi] = x1 <= x2 ? [x1, x2] : [x2, x1];
          const a = mixtureCdf(parts, lo);
          const b = mixtureCdf(parts, hi);
          expect(a).toBeLessThanOrEqual(b);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(b).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
