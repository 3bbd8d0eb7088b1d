import fc from 'fast-check';
import { goNoGo, PreflightFacts } from '../../../lambda/shared/decisions/preflight';

const healthy: PreflightFacts = {
  liveColor: 'green',
  weights: { blue: 0, green: 100 },
  live: { desired: 2, running: 2, healthyTargets: 2, deploymentsInProgress: 0 },
  idle: { desired: 0, running: 0, healthyTargets: 0, deploymentsInProgress: 0, targetGroupExists: true },
  alarms: [{ name: 'a', state: 'OK' }],
  waf: { mode: 'BLOCK' },
};

describe('pre-flight beyond alarm states', () => {
  it('reports every check by name with what it saw, and the WAF mode', () => {
    expect(goNoGo(healthy)).toEqual({
      go: true,
      reasons: [],
      checks: [
        { check: 'live color holds all traffic', ok: true, detail: 'weights blue=0 green=100, recorded live color green' },
        { check: 'live color at full capacity', ok: true, detail: '2 of 2 tasks running' },
        { check: 'live color healthy', ok: true, detail: '2 healthy targets for 2 desired' },
        { check: 'no live deployment in progress', ok: true, detail: '0 unfinished deployments' },
        { check: 'idle target group exists', ok: true, detail: 'found' },
        { check: 'no idle deployment in progress', ok: true, detail: '0 unfinished deployments' },
        { check: 'alarm a OK', ok: true, detail: 'OK' },
      ],
      notes: ['WAF mode BLOCK'],
      warnings: [],
    });
  });

  it('each reason is its check and what it saw', () => {
    const r = goNoGo({ ...healthy, weights: { blue: 1, green: 99 }, live: { desired: 2, running: 3, healthyTargets: 1, deploymentsInProgress: 1 }, idle: { ...healthy.idle, targetGroupExists: false, deploymentsInProgress: 2 }, alarms: [] });
    expect(r.go).toBe(false);
    expect(r.reasons).toEqual([
      'live color holds all traffic: weights blue=1 green=99, recorded live color green',
      'live color healthy: 1 healthy targets for 2 desired',
      'no live deployment in progress: 1 unfinished deployments',
      'idle target group exists: missing',
      'no idle deployment in progress: 2 unfinished deployments',
      'gating alarms found: no gating alarm exists; deploy the platform stack first',
    ]);
  });

  it('a live color scaled to zero is neither at capacity nor healthy, even with nothing missing', () => {
    const r = goNoGo({ ...healthy, live: { desired: 0, running: 0, healthyTargets: 0, deploymentsInProgress: 0 } });
    expect(r.reasons).toEqual(['live color at full capacity: 0 of 0 tasks running', 'live color healthy: 0 healthy targets for 0 desired']);
  });

  it('all-zero weights: the live color holds no traffic', () => {
    expect(goNoGo({ ...healthy, weights: { blue: 0, green: 0 } }).reasons).toEqual(['live color holds all traffic: weights blue=0 green=0, recorded live color green']);
  });

  it('property: go exactly when every fact holds, and each failing fact is a reason', () => {
    const facts = fc.record({
      liveColor: fc.constantFrom('blue' as const, 'green' as const),
      blue: fc.nat(3),
      green: fc.nat(3),
      desired: fc.nat(3),
      running: fc.nat(3),
      healthy: fc.nat(3),
      liveDeployments: fc.nat(2),
      idleDeployments: fc.nat(2),
      targetGroupExists: fc.boolean(),
      alarms: fc.array(fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA'), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(facts, (x) => {
        const r = goNoGo({
          liveColor: x.liveColor,
          weights: { blue: x.blue, green: x.green },
          live: { desired: x.desired, running: x.running, healthyTargets: x.healthy, deploymentsInProgress: x.liveDeployments },
          idle: { desired: 0, running: 0, healthyTargets: 0, deploymentsInProgress: x.idleDeployments, targetGroupExists: x.targetGroupExists },
          alarms: x.alarms.map((state, i) => ({ name: `a${i}`, state })),
          waf: { mode: 'COUNT' },
        });
        const idle = x.liveColor === 'blue' ? x.green : x.blue;
        const live = x.liveColor === 'blue' ? x.blue : x.green;
        const failing = [
          !(live > 0 && idle === 0) && 'live color holds all traffic',
          !(x.desired >= 1 && x.running >= x.desired) && 'live color at full capacity',
          !(x.desired >= 1 && x.healthy >= x.desired) && 'live color healthy',
          x.liveDeployments !== 0 && 'no live deployment in progress',
          !x.targetGroupExists && 'idle target group exists',
          x.idleDeployments !== 0 && 'no idle deployment in progress',
          ...x.alarms.map((s, i) => s !== 'OK' && `alarm a${i} OK`),
          x.alarms.length === 0 && 'gating alarms found',
        ].filter((c): c is string => c !== false);
        expect(r.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(failing);
        expect(r.go).toBe(failing.length === 0);
        expect(r.reasons.map((reason) => reason.slice(0, reason.indexOf(':')))).toEqual(failing);
      }),
    );
  });
});
