import { LoadBurst, SmokeCheck } from '../cutover-config';

/** What one HTTP exchange returned. */
export interface HttpResult {
  readonly status: number;
  readonly body: string;
  readonly latencyMs: number;
  /** Set when no response came back at all. */
  readonly error?: string;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly status: number;
  readonly latencyMs: number;
  readonly failures: string[];
}

/** Reads a dot path such as `data.items.0.id` from parsed JSON. */
export function jsonField(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Judges one response against its check: status, body, JSON fields and latency. */
export function evaluateCheck(check: SmokeCheck, r: HttpResult): CheckResult {
  const failures: string[] = [];
  if (r.error) failures.push(`no response: ${r.error}`);
  else {
    if (r.status !== check.expectStatus) failures.push(`status ${r.status}, expected ${check.expectStatus}`);
    if (check.bodyContains !== undefined && !r.body.includes(check.bodyContains)) failures.push(`body does not contain ${JSON.stringify(check.bodyContains)}`);
    if (check.json.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.body);
      } catch {
        failures.push('body is not JSON');
      }
      if (parsed !== undefined) {
        for (const e of check.json) {
          const got = jsonField(parsed, e.path);
          if (got !== e.equals) failures.push(`${e.path} is ${JSON.stringify(got)}, expected ${JSON.stringify(e.equals)}`);
        }
      }
    }
  }
  if (r.latencyMs > check.maxLatencyMs) failures.push(`took ${r.latencyMs} ms, over ${check.maxLatencyMs} ms`);
  return { name: check.name, ok: failures.length === 0, status: r.status, latencyMs: r.latencyMs, failures };
}

/** Nearest-rank percentile of `values` (p in 0..100); undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface LoadResult {
  readonly ok: boolean;
  readonly requests: number;
  readonly errors: number;
  readonly errorRatePercent: number;
  readonly p95Ms: number;
  readonly failures: string[];
}

/** Gates a load burst on error rate and p95 latency; a 5xx or no response counts as an error. */
export function evaluateLoad(limits: LoadBurst, results: readonly HttpResult[]): LoadResult {
  const errors = results.filter((r) => r.error !== undefined || r.status >= 500).length;
  const errorRatePercent = results.length === 0 ? 100 : (100 * errors) / results.length;
  const p95Ms = percentile(results.map((r) => r.latencyMs), 95) ?? Number.POSITIVE_INFINITY;
  const failures: string[] = [];
  if (results.length === 0) failures.push('no request completed');
  if (errorRatePercent > limits.maxErrorRatePercent) failures.push(`error rate ${errorRatePercent.toFixed(2)}% over ${limits.maxErrorRatePercent}%`);
  if (p95Ms > limits.maxP95Ms) failures.push(`p95 ${p95Ms} ms over ${limits.maxP95Ms} ms`);
  return { ok: failures.length === 0, requests: results.length, errors, errorRatePercent, p95Ms, failures };
}
