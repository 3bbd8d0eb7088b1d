import * as z from '../shared/zod';
import { COLORS, otherColor } from '../shared/colors';
import { SmokeRoutedToLiveColor, SmokeTestFailed } from '../shared/errors';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import type { LoadBurst, SmokeCheck } from '../shared/smoke-config';
import { CheckResult, evaluateCheck, evaluateLoad, HttpResult, LoadResult, routedTo, testRouteProblem } from '../shared/decisions/smoke';
import { readTestRouteRule } from '../shared/adapters/elb';
import { send } from '../shared/adapters/http';
import * as ledger from '../shared/adapters/ledger';
import { lockKey } from '../shared/lock-key';
import { secretString } from '../shared/adapters/secrets';
import { settings } from '../shared/settings';
import { COLOR_HEADER, TEST_HEADER } from '../shared/routes';
// Gives settings() the schema of CUTOVER_DEFAULTS.smoke, which this handler reads.
import '../shared/smoke-config';

/** The fields of the plan this handler reads (none: it only requires a plan). */
const planSchema = planSlice();

/** Runs `count` requests with at most `concurrency` in flight. */
async function burst(count: number, concurrency: number, one: () => Promise<HttpResult>): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      results.push(await one());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export interface SmokeReport {
  readonly ok: boolean;
  readonly checks: CheckResult[];
  readonly load?: LoadResult;
  /** Every response of the checks and the burst: the colors they named (X-Switchyard-Color). */
  readonly responses: HttpResult[];
}

/** Runs the checks, then the load burst, through the test route. */
export async function runSmoke(baseUrl: string, headers: Record<string, string>, checks: readonly SmokeCheck[], load: LoadBurst | undefined): Promise<SmokeReport> {
  const results: CheckResult[] = [];
  const responses: HttpResult[] = [];
  for (const c of checks) {
    const r = await send({ url: `${baseUrl}${c.path}`, method: c.method, headers: { ...headers, ...c.headers }, body: c.body, timeoutMs: Math.max(c.maxLatencyMs * 3, 5000) });
    responses.push(r);
    results.push(evaluateCheck(c, r));
  }
  let loadResult: LoadResult | undefined;
  if (load) {
    const samples = await burst(load.requests, load.concurrency, () => send({ url: `${baseUrl}${load.path}`, method: 'GET', headers, timeoutMs: load.maxP95Ms * 3 }));
    responses.push(...samples);
    loadResult = evaluateLoad(load, samples);
  }
  return { ok: results.every((r) => r.ok) && (loadResult?.ok ?? true), checks: results, load: loadResult, responses };
}

const eventSchema = z.object({ executionId: z.string(), state: z.object({ plan: planSchema, lock: lockSliceSchema }) });

/** What the state keeps of a smoke run: the verdicts and which colors answered, never the responses themselves. */
export type SmokeOutcome = Omit<SmokeReport, 'responses'> & { readonly routedTo: ReturnType<typeof routedTo> };

export const handler = wrap('smoke-test', eventSchema, async (event): Promise<SmokeOutcome> => {
  const s = settings();
  const smoke = s.defaults.smoke;
  const idle = event.state.lock.newColor;
  const live = otherColor(idle);
  const token = await secretString(s.testTokenSecretArn);
  // Before sending anything: would the token reach the idle color at all?
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  const rule = await readTestRouteRule(s.testRuleArn, tgs, TEST_HEADER);
  const routeProblem = testRouteProblem({ ruleTokens: rule.headerValues, token, forwardsTo: COLORS.filter((c) => rule.weights[c] > 0), idle });
  if (routeProblem) {
    await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'smoke', event.executionId, { color: idle, ok: false, routedToLiveColor: routeProblem });
    throw new SmokeRoutedToLiveColor(`smoke tests of ${idle} were not run, no traffic was moved: ${routeProblem}`);
  }
  const headers: Record<string, string> = { [TEST_HEADER]: token };
  if (smoke.credentialsSecretArn) {
    // The credentials secret is a JSON object of headers, such as {"Authorization": "Bearer ..."}.
    Object.assign(headers, z.record(z.string(), z.string()).parse(JSON.parse(await secretString(smoke.credentialsSecretArn))));
  }
  const { responses, ...report } = await runSmoke(s.baseUrl, headers, smoke.checks, smoke.load);
  // Which color answered, before judging what it answered.
  const routed = routedTo(responses, idle, live);
  await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'smoke', event.executionId, { color: idle, ...report, routedTo: routed });
  if (routed.live > 0) {
    throw new SmokeRoutedToLiveColor(`smoke tests of ${idle} reached the live color ${live} (${routed.live} of ${responses.length} responses named it in ${COLOR_HEADER}), so their results say nothing about ${idle}; no traffic was moved. Check the test route's listener rule and its token`);
  }
  if (!report.ok) {
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.failures.join(', ')}`);
    if (report.load && !report.load.ok) failed.push(`load burst: ${report.load.failures.join(', ')}`);
    throw new SmokeTestFailed(`smoke tests of ${event.state.lock.newColor} failed, no traffic was moved: ${failed.join('; ')}`);
  }
  return { ...report, routedTo: routed };
});
