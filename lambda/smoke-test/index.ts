import { z } from 'zod';
import { SmokeTestFailed } from '../shared/errors';
import { lockSliceSchema } from '../shared/execution';
import { handler as wrap } from '../shared/handler';
import { planSchema } from '../shared/input';
import { LoadBurst, SmokeCheck } from '../shared/cutover-config';
import { CheckResult, evaluateCheck, evaluateLoad, HttpResult, LoadResult } from '../shared/decisions/smoke';
import { send } from '../shared/adapters/http';
import * as ledger from '../shared/adapters/ledger';
import { lockKey } from '../shared/adapters/lock';
import { secretString } from '../shared/adapters/secrets';
import { settings } from '../shared/settings';
import { TEST_HEADER } from '../shared/routes';

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
}

/** Runs the checks, then the load burst, through the test route. */
export async function runSmoke(baseUrl: string, headers: Record<string, string>, checks: readonly SmokeCheck[], load: LoadBurst | undefined): Promise<SmokeReport> {
  const results: CheckResult[] = [];
  for (const c of checks) {
    const r = await send({ url: `${baseUrl}${c.path}`, method: c.method, headers: { ...headers, ...c.headers }, body: c.body, timeoutMs: Math.max(c.maxLatencyMs * 3, 5000) });
    results.push(evaluateCheck(c, r));
  }
  let loadResult: LoadResult | undefined;
  if (load) {
    const samples = await burst(load.requests, load.concurrency, () => send({ url: `${baseUrl}${load.path}`, method: 'GET', headers, timeoutMs: load.maxP95Ms * 3 }));
    loadResult = evaluateLoad(load, samples);
  }
  return { ok: results.every((r) => r.ok) && (loadResult?.ok ?? true), checks: results, load: loadResult };
}

const eventSchema = z.object({ executionId: z.string(), state: z.object({ plan: planSchema, lock: lockSliceSchema }) });

export const handler = wrap('smoke-test', eventSchema, async (event): Promise<SmokeReport> => {
  const s = settings();
  const smoke = s.defaults.smoke;
  const headers: Record<string, string> = { [TEST_HEADER]: await secretString(s.testTokenSecretArn) };
  if (smoke.credentialsSecretArn) {
    // The credentials secret is a JSON object of headers, such as {"Authorization": "Bearer ..."}.
    Object.assign(headers, z.record(z.string(), z.string()).parse(JSON.parse(await secretString(smoke.credentialsSecretArn))));
  }
  const report = await runSmoke(s.baseUrl, headers, smoke.checks, smoke.load);
  await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'smoke', event.executionId, { color: event.state.lock.newColor, ...report });
  if (!report.ok) {
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.failures.join(', ')}`);
    if (report.load && !report.load.ok) failed.push(`load burst: ${report.load.failures.join(', ')}`);
    throw new SmokeTestFailed(`smoke tests of ${event.state.lock.newColor} failed, no traffic was moved: ${failed.join('; ')}`);
  }
  return report;
});
