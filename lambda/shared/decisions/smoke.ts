import { Color } from '../colors';
import type { LoadBurst, SmokeCheck } from '../smoke-config';

/** What one HTTP exchange returned. */
export interface HttpResult {
  readonly status: number;
  readonly body: string;
  readonly latencyMs: number;
  /** Set when no response came back at all. */
  readonly error?: string;
  /** The color that answered, as the response names it (X-Switchyard-Color, lower case); absent when it names none. */
  readonly color?: string;
}

/** The test route as the load balancer holds it, and the token the smoke test sends. */
export interface TestRouteFacts {
  /** Values the rule's test-header condition matches. */
  readonly ruleTokens: readonly string[];
  /** The token the smoke test sends: the secret's current value. */
  readonly token: string;
  /** Colors the rule forwards to with a weight above 0. */
  readonly forwardsTo: readonly Color[];
  readonly idle: Color;
}

/**
 * Why requests with the token would not reach the idle color, if they would
 * not. A request whose token matches no rule lands on the production default,
 * the live color, and a smoke test there passes against the old version.
 */
export function testRouteProblem(f: TestRouteFacts): string | undefined {
  if (!f.ruleTokens.includes(f.token)) {
    return 'the test route\'s listener rule does not match the current test token, so the smoke requests would land on the live color: ' +
      'the token secret changed after the rule last did (CloudFormation resolves the secret into the rule only when the rule itself changes, so redeploying an unchanged stack does not); ' +
      'set the rule\'s header value to the secret\'s current value (aws elbv2 modify-rule), or put the value the rule holds back into the secret';
  }
  if (f.forwardsTo.length !== 1 || f.forwardsTo[0] !== f.idle) {
    return `the test route forwards to ${f.forwardsTo.join(' and ') || 'no color'}, not to the idle color ${f.idle} alone`;
  }
  return undefined;
}

/** Responses by the color they name: the idle one, the live one, another value, or none. */
export function routedTo(results: readonly HttpResult[], idle: Color, live: Color): { readonly idle: number; readonly live: number; readonly other: number; readonly unnamed: number } {
  const count = (f: (r: HttpResult) => boolean) => results.filter(f).length;
  return {
    idle: count((r) => r.color === idle),
    live: count((r) => r.color === live),
    other: count((r) => r.color !== undefined && r.color !== idle && r.color !== live),
    unnamed: count((r) => r.color === undefined && r.error === undefined),
  };
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
