import { Color } from '../colors';
import { JudgeSettings } from './judge';
import { canaryEvidence, CanaryEvidence, describeStep, EvidencePlan, thinMessage } from './canaryEvidence';
import { detectableAt } from './calibration';
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
  /** The live color's last hour, and the plan it is weighed against; absent: not estimated. */
  readonly traffic?: TrafficFacts;
}

/** What the live color served in the last hour's complete minutes, and the plan's steps, bake and judge. */
export interface TrafficFacts {
  /** From the live color's first minute with requests in the hour (at most 60 complete minutes); `reportedMinutes` of them had requests. */
  readonly lastHour: { readonly minutes: number; readonly reportedMinutes: number; readonly requests: number; readonly failed: number; readonly slow: number };
  readonly plan: Omit<EvidencePlan, 'judge'>;
  /** The plan's judge, which decides what evidence a step needs. */
  readonly judge: JudgeSettings;
  /** The input's acceptThinCanary: a thin first step is a warning instead of a refusal. */
  readonly acceptThinCanary: boolean;
}

/** The check a thin first step fails; when it is the only one, pre-flight fails with CanaryTooThin. */
export const CANARY_CHECK = 'first step can be judged within judge.maxBakeSeconds';

/** The per-step estimate in the report and the ledger. */
export interface CanaryReport {
  readonly lastHour: TrafficFacts['lastHour'] & { readonly requestsPerMinute: number; readonly failedPercent: number; readonly slowPercent: number };
  readonly evidence: CanaryEvidence;
  /** One line per step, as the notes say it. */
  readonly steps: string[];
  readonly thin: boolean;
  readonly accepted: boolean;
  /** Why the first step is too thin, and what would do (the CanaryTooThin message). */
  readonly message?: string;
  /** The smallest regression the first step could tell from noise at this traffic (percentage points), at the check that can first pass (or its last). */
  readonly detectable?: { readonly afterSeconds: number; readonly failedPercentPoints: number; readonly slowPercentPoints: number; readonly newRequests: number; readonly oldRequests: number };
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
  /** What does not stop the cutover but an operator must know (an accepted thin canary). */
  readonly warnings: string[];
  /** The requests each step will see at the last hour's rate (absent in a DNS ramp, whose load balancer serves no clients yet). */
  readonly canary?: CanaryReport;
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
  const warnings: string[] = [];
  let canary: CanaryReport | undefined;
  if (f.traffic && !f.dns?.ramp) {
    canary = canaryReport(f.traffic);
    check(CANARY_CHECK, !canary.thin || canary.accepted, canary.message ?? canary.steps[0] ?? 'no steps');
    if (canary.thin && canary.accepted) warnings.push(`thin canary accepted (acceptThinCanary): ${canary.message}`);
    const h = canary.lastHour;
    notes.push(`last hour (${h.minutes} complete minutes from the live color's first request, ${h.reportedMinutes} with requests): ${h.requests} requests, ${h.requestsPerMinute.toFixed(1)} a minute, ${h.failedPercent.toFixed(2)}% failed, ${h.slowPercent.toFixed(2)}% slow`);
    for (const line of canary.steps) notes.push(`step ${line}`);
    if (canary.detectable) {
      const d = canary.detectable;
      notes.push(`${d.afterSeconds} s into the first step (about ${Math.round(d.newRequests)} new and ${Math.round(d.oldRequests)} old requests) the judge can tell a regression of ${d.failedPercentPoints.toFixed(2)} pp in failed or ${d.slowPercentPoints.toFixed(2)} pp in slow requests from noise`);
    }
    // Expected counts only just enough: an hour a little quieter than the last fails the step (replays at such a rate run out of looks about a third of the time).
    const e = canary.evidence;
    const edge = e.steps.filter((s) => s.withinLongest && s.needed !== undefined && s.needed.looks > 1 && s.needed.looks === e.maxLooks);
    if (edge.length > 0) warnings.push(`step${edge.length > 1 ? 's' : ''} ${edge.map((s) => `${s.step} (${s.percent}%)`).join(', ')} need${edge.length > 1 ? '' : 's'} the longest bake (${e.longestSeconds} s) at the last hour's rate: with less traffic than that it fails with InsufficientTraffic`);
    const later = canary.evidence.steps.slice(1).filter((s) => !s.withinLongest);
    if (later.length > 0) warnings.push(`step${later.length > 1 ? 's' : ''} ${later.map((s) => `${s.step} (${s.percent}%)`).join(', ')} will not gather the evidence to pass within the longest bake at the last hour's rate: unless traffic rises the cutover fails there with InsufficientTraffic`);
  } else if (f.traffic) {
    notes.push('DNS ramp: the load balancer serves no clients yet, so no per-step estimate');
  }
  const failed = checks.filter((c) => !c.ok);
  return { go: failed.length === 0, reasons: failed.map((c) => `${c.check}: ${c.detail}`), checks, notes, warnings, ...(canary ? { canary } : {}) };
}

/** The per-step estimate at the last hour's rate. Pure. */
export function canaryReport(t: TrafficFacts): CanaryReport {
  const h = t.lastHour;
  const rate = h.minutes > 0 ? h.requests / h.minutes : 0;
  const pct = (x: number) => (h.requests > 0 ? (100 * x) / h.requests : 0);
  // A step needs what the judge passes, which at the live color's own proportions (A/A) takes more than the minimum.
  const plan: EvidencePlan = { ...t.plan, ...(h.requests > 0 ? { judge: { settings: t.judge, failed: h.failed / h.requests, slow: h.slow / h.requests } } : {}) };
  const evidence = canaryEvidence(rate, plan);
  const thin = evidence.thin;
  const first = t.plan.steps[0];
  let detectable: CanaryReport['detectable'];
  if (first !== undefined && first < 100 && h.requests > 0) {
    // At the check that can first pass (the minimum reached), or the step's last.
    const s = evidence.steps[0];
    const span = s.withinLongest && s.needed ? s.needed.seconds : evidence.longestSeconds;
    const d = detectableAt(h, h.minutes, first, span, { ...t.plan, settings: t.judge });
    detectable = { afterSeconds: span, failedPercentPoints: d.failedDetectablePercentPoints, slowPercentPoints: d.slowDetectablePercentPoints, newRequests: d.requests.new, oldRequests: d.requests.old };
  }
  return {
    lastHour: { ...h, requestsPerMinute: rate, failedPercent: pct(h.failed), slowPercent: pct(h.slow) },
    evidence,
    steps: evidence.steps.map((s) => `${s.step}: ${describeStep(s, evidence)}`),
    thin,
    accepted: t.acceptThinCanary,
    ...(thin ? { message: thinMessage(evidence, plan) } : {}),
    ...(detectable ? { detectable } : {}),
  };
}
