import { canaryReport, goNoGo, PreflightFacts, TrafficFacts } from '../../../lambda/shared/decisions/preflight';

// The texts pre-flight reports for DNS readiness and the last hour, and the
// per-step estimate's edges (no minutes, no requests, a first step of 100%, a
// thin first step), which canary-evidence.test.ts does not pin.
const healthy: PreflightFacts = {
  liveColor: 'blue',
  weights: { blue: 100, green: 0 },
  live: { desired: 2, running: 2, healthyTargets: 2, deploymentsInProgress: 0 },
  idle: { desired: 0, running: 0, healthyTargets: 0, deploymentsInProgress: 0, targetGroupExists: true },
  alarms: [{ name: 'a', state: 'OK' }],
  waf: { mode: 'COUNT' },
};
const judge = { errorMarginPercentPoints: 1, confidence: 0.99, minRequestsPerColor: 100, ruleOutPercentPoints: 5, ceilingPercent: 5, onBothBad: 'rollback' as const };
const PLAN = { steps: [5, 25, 50, 100], bakeSeconds: 300, minRequestsPerColor: 100, maxBakeSeconds: 1800, metricDelaySeconds: 180 };
const traffic = (perMinute: number, o: Partial<TrafficFacts> = {}): TrafficFacts => ({
  lastHour: { minutes: 60, reportedMinutes: 60, requests: perMinute * 60, failed: perMinute * 60 * 0.003, slow: perMinute * 60 * 0.05 },
  plan: PLAN,
  judge,
  acceptThinCanary: false,
  ...o,
});
const DNS_CHECK = 'DNS records ready for a ramp (TTL at most 300 s)';

describe('pre-flight: DNS readiness in the report', () => {
  it('a ready DNS cutover names its TTL and weights; without a ramp it says blue/green stays on the listener', () => {
    const r = goNoGo({ ...healthy, dns: { ok: true, ramp: false, reasons: [], weights: { legacy: 0, alb: 100 }, ttl: 60 } });
    expect(r.checks.find((c) => c.check === DNS_CHECK)).toEqual({ check: DNS_CHECK, ok: true, detail: 'TTL 60 s, legacy 0 / load balancer 100' });
    expect(r.notes).toEqual(['WAF mode COUNT', 'DNS already resolves to the load balancer only: blue/green on the listener']);
  });

  it('an alias record has no TTL of its own, and a ramp says clients move in DNS', () => {
    const r = goNoGo({ ...healthy, dns: { ok: true, ramp: true, reasons: [], weights: { legacy: 100, alb: 0 } } });
    expect(r.checks.find((c) => c.check === DNS_CHECK)?.detail).toBe('TTL alias s, legacy 100 / load balancer 0');
    expect(r.notes).toContain('DNS ramp: clients move from the legacy endpoint to the load balancer in the ramp steps');
  });

  it('ready records without weights read still report', () => {
    const r = goNoGo({ ...healthy, dns: { ok: true, ramp: false, reasons: [] } });
    expect(r.go).toBe(true);
    expect(r.checks.find((c) => c.check === DNS_CHECK)?.ok).toBe(true);
  });

  it('records not ready give each reason', () => {
    const r = goNoGo({ ...healthy, dns: { ok: false, ramp: true, reasons: ['TTL 3600 s', 'no legacy record'] } });
    expect(r.reasons).toEqual([`${DNS_CHECK}: TTL 3600 s; no legacy record`]);
  });
});

describe('pre-flight: the last hour', () => {
  it('says what the live color served, and warns of nothing when the canary is not thin, accepted or not', () => {
    const r = goNoGo({ ...healthy, traffic: traffic(1000, { acceptThinCanary: true }) });
    expect(r.notes).toContain("last hour (60 complete minutes from the live color's first request, 60 with requests): 60000 requests, 1000.0 a minute, 0.30% failed, 5.00% slow");
    expect(r.warnings).toEqual([]);
  });

  it('a too-thin first step is refused under its check\'s name', () => {
    expect(goNoGo({ ...healthy, traffic: traffic(40) }).reasons[0]).toMatch(/^first step can be judged within judge\.maxBakeSeconds: /);
  });

  it('an hour without requests: no estimate of what the first step could tell, and no division by zero', () => {
    const r = goNoGo({ ...healthy, traffic: traffic(0) });
    expect(r.canary?.detectable).toBeUndefined();
    expect(r.notes.some((n) => n.includes('into the first step'))).toBe(false);
    expect(r.canary?.lastHour).toMatchObject({ requestsPerMinute: 0, failedPercent: 0, slowPercent: 0 });
  });
});

describe('canaryReport', () => {
  it('no complete minute gives a rate of 0', () => {
    expect(canaryReport(traffic(0, { lastHour: { minutes: 0, reportedMinutes: 0, requests: 0, failed: 0, slow: 0 } })).lastHour.requestsPerMinute).toBe(0);
  });

  it('a first step of 100% compares nothing: no detectable regression', () => {
    expect(canaryReport(traffic(1000, { plan: { ...PLAN, steps: [100] } })).detectable).toBeUndefined();
  });

  it('a thin first step is estimated at the longest bake', () => {
    const r = canaryReport(traffic(40));
    expect(r.thin).toBe(true);
    expect(r.detectable?.afterSeconds).toBe(r.evidence.longestSeconds);
  });

  it('a first step that passes is estimated at the check that can first pass', () => {
    const r = canaryReport(traffic(1000));
    expect(r.evidence.steps[0].withinLongest).toBe(true);
    expect(r.detectable?.afterSeconds).toBe(r.evidence.steps[0].needed!.seconds);
    expect(r.detectable!.afterSeconds).toBeLessThan(r.evidence.longestSeconds);
  });
});
