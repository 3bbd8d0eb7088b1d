import fc from 'fast-check';
import { loadBurstSchema, smokeCheckSchema } from '../../../lambda/shared/cutover-config';
import { evaluateCheck, evaluateLoad, HttpResult, jsonField, percentile, routedTo, testRouteProblem } from '../../../lambda/shared/decisions/smoke';

const check = (c: object) => smokeCheckSchema.parse({ name: 'c', path: '/', ...c });

describe('smoke checks', () => {
  it('passes a matching response', () => {
    expect(evaluateCheck(check({ json: [{ path: 'status', equals: 'ok' }] }), { status: 200, body: '{"status":"ok"}', latencyMs: 5 }).ok).toBe(true);
  });
  it('a healthy health endpoint does not hide a failing business endpoint', () => {
    const health = evaluateCheck(check({ name: 'health', path: '/health' }), { status: 200, body: 'ok', latencyMs: 3 });
    const checkout = evaluateCheck(check({ name: 'checkout', path: '/api/checkout' }), { status: 500, body: 'boom', latencyMs: 3 });
    expect(health.ok).toBe(true);
    expect(checkout).toMatchObject({ ok: false, failures: ['status 500, expected 200'] });
  });
  it('reports each kind of failure', () => {
    const r = evaluateCheck(check({ bodyContains: 'cart', json: [{ path: 'items.0.id', equals: 7 }], maxLatencyMs: 100 }), { status: 200, body: '{"items":[{"id":8}]}', latencyMs: 150 });
    expect(r.failures).toEqual(['body does not contain "cart"', 'items.0.id is 8, expected 7', 'took 150 ms, over 100 ms']);
    expect(evaluateCheck(check({ json: [{ path: 'a', equals: 1 }] }), { status: 200, body: 'nope', latencyMs: 1 }).failures).toEqual(['body is not JSON']);
    expect(evaluateCheck(check({}), { status: 0, body: '', latencyMs: 1, error: 'ECONNREFUSED' }).failures).toEqual(['no response: ECONNREFUSED']);
  });
  it('reads dot paths', () => {
    expect(jsonField({ a: { b: [1, { c: 'x' }] } }, 'a.b.1.c')).toBe('x');
    expect(jsonField({ a: 1 }, 'a.b')).toBeUndefined();
  });
});

describe('load burst', () => {
  const limits = loadBurstSchema.parse({});
  it('gates on error rate under 1% and p95 under 3 s by default', () => {
    const ok = Array.from({ length: 200 }, (_, i) => ({ status: i === 0 ? 503 : 200, body: '', latencyMs: 100 }));
    expect(evaluateLoad(limits, ok)).toMatchObject({ ok: true, errors: 1, errorRatePercent: 0.5 });
    const bad = ok.map((r, i) => (i < 4 ? { ...r, status: 500 } : r));
    expect(evaluateLoad(limits, bad)).toMatchObject({ ok: false, failures: ['error rate 2.00% over 1%'] });
    const slow = ok.map((r, i) => (i % 10 === 0 ? { ...r, status: 200, latencyMs: 4000 } : r));
    expect(evaluateLoad(limits, slow).failures).toEqual(['p95 4000 ms over 3000 ms']);
    expect(evaluateLoad(limits, []).ok).toBe(false);
  });
  it('percentiles lie between the smallest and largest sample', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
        const v = percentile(xs, p)!;
        expect(v).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(v).toBeLessThanOrEqual(Math.max(...xs));
        expect(xs).toContain(v);
      }),
    );
  });
});

describe('reaching the idle color', () => {
  const route = { ruleTokens: ['t-1'], token: 't-1', forwardsTo: ['green' as const], idle: 'green' as const };
  it('the token must be one the test rule matches, and the rule must forward to the idle color alone', () => {
    expect(testRouteProblem(route)).toBeUndefined();
    expect(testRouteProblem({ ...route, token: 't-2' })).toMatch(/does not match the current test token, so the smoke requests would land on the live color/);
    expect(testRouteProblem({ ...route, forwardsTo: ['blue'] })).toBe('the test route forwards to blue, not to the idle color green alone');
    expect(testRouteProblem({ ...route, forwardsTo: ['blue', 'green'] })).toMatch(/forwards to blue and green/);
    expect(testRouteProblem({ ...route, forwardsTo: [] })).toMatch(/forwards to no color/);
  });
  it('property: every answered response is counted once, by the color it names', () => {
    const result = fc.record({ status: fc.constantFrom(0, 200, 500), body: fc.constant(''), latencyMs: fc.nat(100), color: fc.option(fc.constantFrom('blue', 'green', 'purple'), { nil: undefined }), error: fc.option(fc.constant('ECONNRESET'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(result), (rs) => {
        const clean = rs.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as HttpResult);
        const c = routedTo(clean, 'green', 'blue');
        expect(c.idle + c.live + c.other + c.unnamed).toBe(clean.filter((r) => r.color !== undefined || r.error === undefined).length);
        expect(c.live).toBe(clean.filter((r) => r.color === 'blue').length);
      }),
    );
  });
});
