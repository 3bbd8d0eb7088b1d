import { Color } from '../colors';
import { DnsReadiness } from './dns';

/** What pre-flight observed, gathered by the handler's adapters. */
export interface PreflightFacts {
  readonly liveColor: Color;
  readonly weights: { readonly blue: number; readonly green: number };
  readonly live: ServiceFacts;
  readonly idle: ServiceFacts & { readonly targetGroupExists: boolean };
  readonly alarms: ReadonlyArray<{ readonly name: string; readonly state: string }>;
  readonly waf: { readonly mode: 'COUNT' | 'BLOCK'; readonly countedLastHour?: number };
  /** The weighted records of a DNS cutover from a legacy endpoint, when configured. */
  readonly dns?: DnsReadiness;
}

export interface ServiceFacts {
  readonly desired: number;
  readonly running: number;
  readonly healthyTargets: number;
  /** ECS deployments not yet COMPLETED (the PRIMARY one included). */
  readonly deploymentsInProgress: number;
}

export interface PreflightReport {
  readonly go: boolean;
  /** Each reason not to go, in words an operator acts on. */
  readonly reasons: string[];
  /** Each check with its outcome, for the ledger and the execution output. */
  readonly checks: Array<{ readonly check: string; readonly ok: boolean; readonly detail: string }>;
  readonly notes: string[];
}

/** Go/no-go: decides nothing else and changes nothing. */
export function goNoGo(f: PreflightFacts): PreflightReport {
  const checks: PreflightReport['checks'] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ check: name, ok, detail });

  const liveWeight = f.weights[f.liveColor];
  const idleWeight = f.weights[f.liveColor === 'blue' ? 'green' : 'blue'];
  check('live color holds all traffic', liveWeight > 0 && idleWeight === 0, `weights blue=${f.weights.blue} green=${f.weights.green}, recorded live color ${f.liveColor}`);
  check('live color at full capacity', f.live.desired >= 1 && f.live.running >= f.live.desired, `${f.live.running} of ${f.live.desired} tasks running`);
  check('live color healthy', f.live.desired >= 1 && f.live.healthyTargets >= f.live.desired, `${f.live.healthyTargets} healthy targets for ${f.live.desired} desired`);
  check('no live deployment in progress', f.live.deploymentsInProgress === 0, `${f.live.deploymentsInProgress} unfinished deployments`);
  check('idle target group exists', f.idle.targetGroupExists, f.idle.targetGroupExists ? 'found' : 'missing');
  check('no idle deployment in progress', f.idle.deploymentsInProgress === 0, `${f.idle.deploymentsInProgress} unfinished deployments`);
  for (const a of f.alarms) {
    // INSUFFICIENT_DATA is not OK: an alarm that cannot see cannot gate.
    check(`alarm ${a.name} OK`, a.state === 'OK', a.state);
  }
  if (f.alarms.length === 0) check('gating alarms found', false, 'no gating alarm exists; deploy the platform stack first');

  const notes = [`WAF mode ${f.waf.mode}`];
  if (f.dns) {
    const w = f.dns.weights;
    check('DNS records ready for a ramp (TTL at most 300 s)', f.dns.ok, f.dns.ok ? `TTL ${f.dns.ttl ?? 'alias'} s, legacy ${w?.legacy} / load balancer ${w?.alb}` : f.dns.reasons.join('; '));
    notes.push(f.dns.ramp ? 'DNS ramp: clients move from the legacy endpoint to the load balancer in the ramp steps' : 'DNS already resolves to the load balancer only: blue/green on the listener');
  }
  if (f.waf.countedLastHour !== undefined) notes.push(`WAF counted ${f.waf.countedLastHour} requests in the last hour (would be blocked in BLOCK mode)`);
  const failed = checks.filter((c) => !c.ok);
  return { go: failed.length === 0, reasons: failed.map((c) => `${c.check}: ${c.detail}`), checks, notes };
}
