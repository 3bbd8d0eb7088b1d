import lognormalCdf = require('@stdlib/stats-base-dists-lognormal-cdf');
import lognormalQuantile = require('@stdlib/stats-base-dists-lognormal-quantile');

/**
 * Response times as a log-normal distribution, described by its p95: the
 * shape real request latencies take (a long right tail), and one a drill can
 * state in one number. Percentiles and percentile ranks are then exact, so a
 * thin canary's p95 is not sampling noise.
 */
export interface LogNormal {
  readonly mu: number;
  readonly sigma: number;
}

/** Spread of the log of response times: p99 is about 1.4x p95, p50 about 0.44x. */
export const LATENCY_SIGMA = 0.5;

/** The log-normal whose 95th percentile is `p95Seconds`. */
export function latencyFromP95(p95Seconds: number, sigma = LATENCY_SIGMA): LogNormal {
  if (!(p95Seconds > 0)) throw new RangeError(`p95Seconds must be above 0, got ${p95Seconds}`);
  // quantile(0.95) = exp(mu + sigma * z95): solve for mu with the distribution's own quantile at mu = 0.
  return { mu: Math.log(p95Seconds) - Math.log(lognormalQuantile(0.95, 0, sigma)), sigma };
}

export const quantile = (d: LogNormal, q: number): number => lognormalQuantile(q, d.mu, d.sigma);
export const cdf = (d: LogNormal, x: number): number => lognormalCdf(x, d.mu, d.sigma);
export const mean = (d: LogNormal): number => Math.exp(d.mu + (d.sigma * d.sigma) / 2);

/** A population of requests: `count` of them from `dist`. */
export interface Component {
  readonly dist: LogNormal;
  readonly count: number;
}

/** Share (0-1) of the requests of a mixture that finished in at most `x` seconds. */
export function mixtureCdf(parts: readonly Component[], x: number): number {
  const total = parts.reduce((a, p) => a + p.count, 0);
  if (total === 0) return NaN;
  return parts.reduce((a, p) => a + p.count * cdf(p.dist, x), 0) / total;
}

/** The q-quantile (0-1) of a mixture, by bisection on the log scale (each part's quantile brackets it). */
export function mixtureQuantile(parts: readonly Component[], q: number): number {
  const live = parts.filter((p) => p.count > 0);
  if (live.length === 0) return NaN;
  if (live.length === 1) return quantile(live[0].dist, q);
  let lo = Math.log(Math.min(...live.map((p) => quantile(p.dist, q))));
  let hi = Math.log(Math.max(...live.map((p) => quantile(p.dist, q))));
  for (let i = 0; i < 60 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (mixtureCdf(live, Math.exp(mid)) < q) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}
