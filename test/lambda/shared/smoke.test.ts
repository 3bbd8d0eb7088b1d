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
    expect(testRouteProblem({ ...route, token: 't-2' })).toBe(
      "the test route's listener rule does not match the current test token, so the smoke requests would land on the live color: " +
        'the token secret changed after the rule last did (CloudFormation resolves the secret into the rule only when the rule itself changes, so redeploying an unchanged stack does not); ' +
        "set the rule's header value to the secret's current value (aws elbv2 modify-rule), or put the value the rule holds back into the secret",
    );
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

describe('smoke-check evaluation: every rule, both directions', () => {
  const base = check({ bodyContains: 'ok', json: [{ path: 'a.b', equals: 1 }, { path: 'c', equals: 'x' }], maxLatencyMs: 100, expectStatus: 201 });
  const good: HttpResult = { status: 201, body: '{"a":{"b":1},"c":"x","d":"ok"}', latencyMs: 100 };

  it('passes at the latency limit, naming the check and what the response returned', () => {
    expect(evaluateCheck(base, good)).toEqual({ name: 'c', ok: true, status: 201, latencyMs: 100, failures: [] });
  });

  it('names each failure: status, body, each JSON field, latency', () => {
    expect(evaluateCheck(base, { status: 200, body: '{"a":{"b":2},"c":null}', latencyMs: 101 })).toEqual({
      name: 'c',
      ok: false,
      status: 200,
      latencyMs: 101,
      failures: ['status 200, expected 201', 'body does not contain "ok"', 'a.b is 2, expected 1', 'c is null, expected "x"', 'took 101 ms, over 100 ms'],
    });
    // A field that is missing is reported as undefined (JSON.stringify of nothing).
    expect(evaluateCheck(base, { ...good, body: '{"c":"x","d":"ok"}' }).failures).toEqual(['a.b is undefined, expected 1']);
  });

  it('no response fails whatever else; a slow non-response is also slow', () => {
    expect(evaluateCheck(base, { ...good, error: 'timeout' }).failures).toEqual(['no response: timeout']);
    expect(evaluateCheck(base, { ...good, error: 'timeout', latencyMs: 5000 }).failures).toEqual(['no response: timeout', 'took 5000 ms, over 100 ms']);
  });

  it('a body that is not JSON fails once, whatever the fields; without JSON fields the body is not parsed', () => {
    expect(evaluateCheck(base, { ...good, body: 'ok, not json' }).failures).toEqual(['body is not JSON']);
    expect(evaluateCheck(check({ maxLatencyMs: 100 }), { status: 200, body: 'not json', latencyMs: 1 }).ok).toBe(true);
  });

  it('property: OK exactly when answered with the expected status, the body text, every field and in time', () => {
    const response = fc.record({
      status: fc.constantFrom(200, 201, 500),
      b: fc.constantFrom(1, 2),
      c: fc.constantFrom('x', 'y'),
      word: fc.constantFrom('ok', 'ko'),
      latencyMs: fc.integer({ min: 0, max: 200 }),
      error: fc.option(fc.constant('ECONNRESET'), { nil: undefined }),
    });
    fc.assert(
      fc.property(response, ({ status, b, c, word, latencyMs, error }) => {
        const r: HttpResult = { status, body: JSON.stringify({ a: { b }, c, word }), latencyMs, ...(error ? { error } : {}) };
        const v = evaluateCheck(base, r);
        expect(v.ok).toBe(error === undefined && status === 201 && b === 1 && c === 'x' && word === 'ok' && latencyMs <= 100);
        expect(v.ok).toBe(v.failures.length === 0);
      }),
    );
  });

  it('jsonField reads through objects and arrays, and stops at null or a value', () => {
    expect(jsonField({ a: [{ b: 0 }] }, 'a.0.b')).toBe(0);
    expect(jsonField({ a: null }, 'a')).toBeNull();
    expect(jsonField({ a: null }, 'a.b')).toBeUndefined();
    expect(jsonField({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(jsonField(null, 'a')).toBeUndefined();
    expect(jsonField(7, 'a')).toBeUndefined();
  });
});

describe('load burst: every rule, both directions', () => {
  const limits = loadBurstSchema.parse({ maxErrorRatePercent: 2, maxP95Ms: 500 });
  const at = (latencyMs: number, status = 200, error?: string): HttpResult => ({ status, body: '', latencyMs, ...(error ? { error } : {}) });

  it('nothing completed: 100% errors, no p95, and both named', () => {
    expect(evaluateLoad(limits, [])).toEqual({ ok: false, requests: 0, errors: 0, errorRatePercent: 100, p95Ms: Number.POSITIVE_INFINITY, failures: ['no request completed', 'error rate 100.00% over 2%', 'p95 Infinity ms over 500 ms'] });
  });

  it('a 5xx or no response is an error, a 4xx is not; exactly at the limits passes', () => {
    const rs = [...Array.from({ length: 97 }, () => at(500)), at(10, 500), at(10, 0, 'ECONNRESET'), at(10, 404)];
    expect(evaluateLoad(limits, rs)).toEqual({ ok: true, requests: 100, errors: 2, errorRatePercent: 2, p95Ms: 500, failures: [] });
  });

  it('just over either limit fails, naming it', () => {
    const rs = [...Array.from({ length: 96 }, () => at(500)), at(10, 500), at(10, 502), at(10, 599), at(501)];
    expect(evaluateLoad(limits, rs)).toEqual({ ok: false, requests: 100, errors: 3, errorRatePercent: 3, p95Ms: 500, failures: ['error rate 3.00% over 2%'] });
    const slow = [...Array.from({ length: 94 }, () => at(10)), ...Array.from({ length: 6 }, () => at(501))];
    expect(evaluateLoad(limits, slow)).toEqual({ ok: false, requests: 100, errors: 0, errorRatePercent: 0, p95Ms: 501, failures: ['p95 501 ms over 500 ms'] });
  });

  it('percentile is the nearest rank: the smallest value with at least p% of the samples at or below it', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([30, 10, 20], 0)).toBe(10);
    expect(percentile([30, 10, 20], 34)).toBe(20);
    expect(percentile([30, 10, 20], 33)).toBe(10);
    expect(percentile([30, 10, 20], 100)).toBe(30);
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
        const v = percentile(xs, p)!;
        expect(xs.filter((x) => x <= v).length).toBeGreaterThanOrEqual((p / 100) * xs.length);
        expect(xs.filter((x) => x < v).length).toBeLessThan((p / 100) * xs.length);
      }),
    );
  });

  it('property: OK exactly when something completed, errors within the rate and p95 within the limit', () => {
    const result = fc.record({ status: fc.constantFrom(200, 404, 500, 503), latencyMs: fc.integer({ min: 0, max: 1000 }), error: fc.option(fc.constant('timeout'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(result, { maxLength: 60 }), (raw) => {
        const rs = raw.map((r) => at(r.latencyMs, r.status, r.error));
        const v = evaluateLoad(limits, rs);
        const errors = raw.filter((r) => r.error !== undefined || r.status >= 500).length;
        expect(v.errors).toBe(errors);
        expect(v.requests).toBe(rs.length);
        const p95 = percentile(rs.map((r) => r.latencyMs), 95);
        expect(v.ok).toBe(rs.length > 0 && 100 * errors <= 2 * rs.length && p95! <= 500);
      }),
    );
  });
});

describe('reaching the idle color: properties', () => {
  it('a route is fine exactly when the rule matches the token and forwards to the idle color alone', () => {
    const color = fc.constantFrom('blue' as const, 'green' as const);
    fc.assert(
      fc.property(fc.subarray(['a', 'b', 'c']), fc.constantFrom('a', 'b', 'c'), fc.uniqueArray(color, { maxLength: 2 }), color, (ruleTokens, token, forwardsTo, idle) => {
        const problem = testRouteProblem({ ruleTokens, token, forwardsTo, idle });
        const fine = ruleTokens.includes(token) && forwardsTo.length === 1 && forwardsTo[0] === idle;
        expect(problem === undefined).toBe(fine);
        if (!ruleTokens.includes(token)) expect(problem).toMatch(/^the test route's listener rule does not match the current test token/);
        else if (!fine) expect(problem).toBe(`the test route forwards to ${forwardsTo.join(' and ') || 'no color'}, not to the idle color ${idle} alone`);
      }),
    );
  });

  it('counts responses by the color they name; a response with neither color nor answer is not counted', () => {
    const rs: HttpResult[] = [
      { status: 200, body: '', latencyMs: 1, color: 'green' },
      { status: 200, body: '', latencyMs: 1, color: 'green' },
      { status: 200, body: '', latencyMs: 1, color: 'blue' },
      { status: 200, body: '', latencyMs: 1, color: 'purple' },
      { status: 200, body: '', latencyMs: 1 },
      { status: 0, body: '', latencyMs: 1, error: 'ECONNRESET' },
      { status: 0, body: '', latencyMs: 1, error: 'ECONNRESET', color: 'purple' },
    ];
    expect(routedTo(rs, 'green', 'blue')).toEqual({ idle: 2, live: 1, other: 2, unnamed: 1 });
    expect(routedTo(rs, 'blue', 'green')).toEqual({ idle: 1, live: 2, other: 2, unnamed: 1 });
  });
});
