import { callCounter } from '../lambda/shared/adapters/clients';
import { Color, COLORS } from '../lambda/shared/colors';
import { percentOf, Weights } from '../lambda/shared/decisions/weights';
import { DnsWeights } from '../lambda/shared/decisions/dns';
import { minuteNumber } from './clock';
import { runStateMachine, RunOptions } from './run';
import { momentAt } from './traffic/faults';
import { World } from './world';
import { Operator, OperatorAction, OperatorResult } from './operator';

/** Step Functions Standard: $0.025 per 1,000 state transitions. */
export const USD_PER_TRANSITION = 0.025 / 1000;

/** What to run and what must come of it: a scenario of ours or a user's drill. */
export interface Rehearsal {
  readonly name: string;
  readonly description: string;
  readonly input: Record<string, unknown>;
  readonly machine?: RunOptions['machine'];
  /** Runs before the Task named `state` (faults outside the traffic, operator actions). */
  readonly before?: (world: World, state: string, input: any) => Promise<void>;
  readonly after?: (world: World, state: string, ok: boolean) => Promise<void>;
  /** Simulated minutes the users keep coming after the execution ends. */
  readonly tailMinutes?: number;
  /** Lambda Tasks bound to something else than their handler (see RunOptions). */
  readonly replaceTasks?: RunOptions['replaceTasks'];
  /** What an operator does while it runs (approve or reject at gates or minutes). */
  readonly operator?: readonly OperatorAction[];
  /** What a correct Switchyard must end with; without it anything matches. */
  readonly expect?: Expectation;
}

/** What the runbook says must come of a rehearsal. Alarm names may say `{new}` and `{old}` for the colors. */
export interface Expectation {
  readonly status?: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly weights?: Partial<Weights>;
  readonly alarmsFired?: readonly string[];
  readonly alarmsNotFired?: readonly string[];
  readonly detectedWithinSeconds?: number;
  readonly maxNewWeight?: number;
  /** At most this many requests may reach the new color once all traffic is verified back on the old one. */
  readonly newColorRequestsAfterRestore?: number;
  /** What each operator action met, in order: "ok" or the named error. */
  readonly operatorResults?: readonly string[];
  /** The new color's share stayed this, minute after minute, between two minutes after the start. */
  readonly weightHeld?: { readonly fromMinute: number; readonly toMinute: number; readonly newPercent: number };
  /** Texts each page's subject (critical topic) must include, one page per text at least. */
  readonly paged?: readonly string[];
  /** Ledger entry types that must have been recorded. */
  readonly ledger?: readonly string[];
}

export interface TimelineRow {
  /** Real milliseconds since the start. */
  readonly realMs: number;
  /** Time as the execution saw it (waits included), seconds since the start. */
  readonly virtualSeconds: number;
  readonly state: string;
  /** Weights read back from the emulator after the state. */
  readonly weights?: Weights;
  /** Record weights read back, in an environment with a DNS cutover. */
  readonly dns?: DnsWeights;
}

/** One simulated minute: weights read back, requests and failed requests per color. */
export interface MinuteReport {
  /** Whole minutes since the one the execution started in (negative: warm-up before it). */
  readonly minute: number;
  readonly weights: Weights;
  readonly requests: Record<Color, number>;
  readonly failedRequests: Record<Color, number>;
  readonly p95Seconds: Record<Color, number | null>;
  readonly faults: readonly number[];
}

export interface AlarmChangeReport {
  /** Seconds since the execution started. */
  readonly atSeconds: number;
  readonly alarm: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface RehearsalReport {
  readonly scenario: string;
  readonly description: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly cause?: string;
  readonly expected?: Expectation;
  readonly matched: boolean;
  /** Each way the outcome differs from the expectation. */
  readonly mismatches: string[];
  readonly finalWeights: Weights;
  readonly colors: { readonly old: Color; readonly new: Color };
  /** Seconds from the start of the execution to the first fault becoming active. */
  readonly faultOnsetSeconds?: number;
  /** Seconds from fault onset to the first rollback action (an alarm-driven rollback or the Rollback task). */
  readonly detectionSeconds?: number;
  /** Seconds from fault onset to all traffic verified on the old color. */
  readonly restoredSeconds?: number;
  /** The highest share of traffic (percent) the new color reached, read back. */
  readonly maxNewWeight: number;
  /** Requests the new color served in the minutes after traffic was verified back on the old one (sticky clients left behind). */
  readonly newColorRequestsAfterRestore?: number;
  readonly requests: Record<Color, number>;
  readonly failedRequests: Record<Color, number>;
  readonly minutes: MinuteReport[];
  readonly alarmChanges: AlarmChangeReport[];
  /** Events delivered to the alarm rule's targets, and what became of them. */
  readonly deliveries: ReadonlyArray<{ atSeconds: number; alarm: string; target: string; attempt: number; ok: boolean; action?: string; error?: string; dropped?: boolean; paged?: string }>;
  readonly transitions: number;
  readonly costUsd: number;
  readonly awsCalls: Record<string, number>;
  readonly awsCallsTotal: number;
  readonly timeline: TimelineRow[];
  /** Every state entered, in order (Tasks, Waits, Choices...). */
  readonly statesEntered: string[];
  /** What each operator action met. */
  readonly operatorResults: OperatorResult[];
  readonly realMs: number;
}

/** Runs one rehearsal in a built world and reports what happened. */
export async function rehearse(world: World, s: Rehearsal, progress?: (line: string) => void): Promise<RehearsalReport> {
  callCounter.clear();
  const sim = world.simulation;
  const started = performance.now();
  const virtualStart = world.clock.now();
  const timeline: TimelineRow[] = [];
  let rollbackTaskAtMs: number | undefined;
  const seconds = (ms: number) => Math.round((ms - virtualStart) / 1000);
  const fmt = (secs: number) => `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor((secs % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(secs % 60)).padStart(2, '0')}`;
  const firstMinute = sim.minutes.length;
  const firstChange = sim.alarmChanges.length;
  const firstDelivery = sim.deliveries.length;
  const firstPublished = world.published.length;
  await world.pushRelease(s.input);

  let startedAtMs: number | undefined;
  const operator = new Operator(s.operator ?? [], () => startedAtMs);
  // With actions at given minutes, time passes a minute at a time so each comes when due.
  const passTime = async (ms: number) => {
    if (!operator.timed) return world.passTime(ms);
    for (let left = ms; left > 0; left -= 60_000) {
      await world.passTime(Math.min(60_000, left));
      await operator.tick(world.clock.now());
    }
  };
  const r = await runStateMachine(
    s.input,
    world.runOptions({
      machine: s.machine,
      replaceTasks: s.replaceTasks,
      passTime,
      onGateOpened: (_gate, n) => operator.gateOpened(n),
      onState: (name) => {
        if (name === 'ValidateInput') startedAtMs ??= world.clock.now();
      },
      before: async (state, input) => {
        if (state === 'Rollback') rollbackTaskAtMs ??= world.clock.now();
        await s.before?.(world, state, input);
      },
      after: async (state, ok) => {
        await s.after?.(world, state, ok);
        const weights = await world.observeWeights();
        const dns = world.dns ? await world.dnsWeights() : undefined;
        const row = { realMs: Math.round(performance.now() - started), virtualSeconds: seconds(world.clock.now()), state, weights, dns };
        timeline.push(row);
        sim.observations.push({ atMs: world.clock.now(), weights });
        progress?.(`  [${fmt(row.virtualSeconds)} | ${(row.realMs / 1000).toFixed(1)}s] ${state.padEnd(24)} blue=${weights.blue} green=${weights.green}${dnsText(dns)}`);
      },
    }),
  );
  // The users keep coming: what they meet after a rollback belongs in the report.
  await passTime((s.tailMinutes ?? 5) * 60_000);
  const finalWeights = await world.observeWeights();
  const colors = sim.colors;

  // A fault active from "start" was there before the execution began: its onset, for the report, is the start.
  const onsets = (sim.faults ?? []).map((f) => momentAt(f.from, sim.moments)).filter((t): t is number => t !== undefined).map((t) => Math.max(t, virtualStart));
  const onset = onsets.length > 0 ? Math.min(...onsets) : undefined;
  const deliveries = sim.deliveries.slice(firstDelivery);
  const alarmRollbackAt = deliveries.find((d) => d.ok && (d.result as { action?: string } | undefined)?.action === 'rollback')?.atMs;
  const detectedAt = [alarmRollbackAt, rollbackTaskAtMs].filter((t): t is number => t !== undefined && (onset === undefined || t >= onset)).sort((a, b) => a - b)[0];
  const restoredAt = detectedAt === undefined ? undefined : sim.observations.find((o) => o.atMs >= detectedAt && o.weights[colors.old] > 0 && o.weights[colors.new] === 0)?.atMs;
  const after = sim.observations.filter((o) => o.atMs >= virtualStart);

  const minutes: MinuteReport[] = sim.minutes.slice(firstMinute).map((m) => ({
    minute: minuteNumber(m.atMs, virtualStart),
    weights: m.weights,
    requests: perColor((c) => m.perColor[c].requests),
    failedRequests: perColor((c) => m.perColor[c].failed),
    p95Seconds: perColor((c) => m.perColor[c].p95Seconds),
    faults: m.faults,
  }));
  const alarmChanges = sim.alarmChanges.slice(firstChange).map((c) => ({ atSeconds: seconds(c.atMs), alarm: c.alarm, from: c.from, to: c.to, reason: c.reason }));
  // In percent of traffic: a step with a decimal sets weights out of 1000.
  const maxNewWeight = Math.max(0, ...after.map((o) => percentOf(o.weights, colors.new)));
  const detectionSeconds = onset === undefined || detectedAt === undefined ? undefined : Math.round((detectedAt - onset) / 1000);
  // A minute's requests are split by the weights read at its end: the minutes ending after the restore are all after it.
  const newColorRequestsAfterRestore =
    restoredAt === undefined ? undefined : sim.minutes.slice(firstMinute).filter((m) => m.atMs + 60_000 > restoredAt).reduce((a, m) => a + m.perColor[colors.new].requests, 0);
  const mismatches: string[] = compare(s.expect, {
    status: r.status,
    error: r.error,
    finalWeights,
    alarmChanges,
    detectionSeconds,
    maxNewWeight,
    newColorRequestsAfterRestore,
    colors,
    alarmNames: sim.engine.names,
    operatorResults: operator.results.map((x) => x.result),
  });
  const base = startedAtMs ?? virtualStart;
  const held = s.expect?.weightHeld;
  const heldShares = held
    ? sim.minutes.slice(firstMinute).filter((m) => m.atMs >= base + held.fromMinute * 60_000 && m.atMs <= base + held.toMinute * 60_000).map((m) => percentOf(m.weights, colors.new))
    : undefined;
  const pages = world.published.slice(firstPublished).filter((p) => p.topic === process.env.CRITICAL_TOPIC_ARN).map((p) => p.subject);
  const ledgerTypes = s.expect?.ledger ? [...new Set((await world.ledger()).map((e) => e.type))] : [];
  mismatches.push(...compareHeld(s.expect, { heldShares, pages, ledgerTypes }));
  const awsCalls = Object.fromEntries([...callCounter.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    scenario: s.name,
    description: s.description,
    status: r.status,
    error: r.error,
    cause: r.cause,
    expected: s.expect,
    matched: mismatches.length === 0,
    mismatches,
    finalWeights,
    colors,
    faultOnsetSeconds: onset === undefined ? undefined : seconds(onset),
    detectionSeconds,
    restoredSeconds: onset === undefined || restoredAt === undefined ? undefined : Math.round((restoredAt - onset) / 1000),
    maxNewWeight,
    newColorRequestsAfterRestore,
    requests: perColor((c) => minutes.reduce((a, m) => a + m.requests[c], 0)),
    failedRequests: perColor((c) => minutes.reduce((a, m) => a + m.failedRequests[c], 0)),
    minutes,
    alarmChanges,
    deliveries: deliveries.map((d) => ({ atSeconds: seconds(d.atMs), alarm: d.alarm, target: d.target.split(':function:')[1] ?? d.target, attempt: d.attempt, ok: d.ok, action: (d.result as { action?: string } | undefined)?.action, error: d.error, dropped: d.dropped, paged: d.paged })),
    transitions: r.transitions,
    costUsd: r.transitions * USD_PER_TRANSITION,
    awsCalls,
    awsCallsTotal: Object.values(awsCalls).reduce((a, b) => a + b, 0),
    timeline,
    statesEntered: r.states,
    operatorResults: operator.results,
    realMs: Math.round(performance.now() - started),
  };
}

/** Each way an outcome differs from what was expected (none: it matched). */
export function compare(
  want: Expectation | undefined,
  got: {
    status: string;
    error?: string;
    finalWeights: Weights;
    alarmChanges: readonly AlarmChangeReport[];
    detectionSeconds?: number;
    maxNewWeight: number;
    newColorRequestsAfterRestore?: number;
    colors: { old: Color; new: Color };
    alarmNames: readonly string[];
    operatorResults?: readonly string[];
  },
): string[] {
  if (!want) return [];
  const out: string[] = [];
  const name = (n: string) => n.split('{new}').join(got.colors.new).split('{old}').join(got.colors.old);
  if (want.status !== undefined && got.status !== want.status) out.push(`status ${got.status}, expected ${want.status}`);
  if (want.error !== undefined && got.error !== want.error) out.push(`error ${got.error ?? 'none'}, expected ${want.error}`);
  for (const c of COLORS) {
    const w = want.weights?.[c];
    if (w !== undefined && got.finalWeights[c] !== w) out.push(`final ${c} weight ${got.finalWeights[c]}, expected ${w}`);
  }
  const fired = new Set(got.alarmChanges.filter((c) => c.to === 'ALARM' && c.atSeconds >= 0).map((c) => c.alarm));
  for (const a of (want.alarmsFired ?? []).map(name)) {
    if (!got.alarmNames.includes(a)) out.push(`alarm ${a} does not exist in the synthesized templates`);
    else if (!fired.has(a)) out.push(`alarm ${a} never went to ALARM`);
  }
  for (const a of (want.alarmsNotFired ?? []).map(name)) {
    if (!got.alarmNames.includes(a)) out.push(`alarm ${a} does not exist in the synthesized templates`);
    else if (fired.has(a)) out.push(`alarm ${a} went to ALARM`);
  }
  if (want.detectedWithinSeconds !== undefined && (got.detectionSeconds === undefined || got.detectionSeconds > want.detectedWithinSeconds)) {
    out.push(`detection ${got.detectionSeconds === undefined ? 'never happened' : `took ${got.detectionSeconds} s`}, expected at most ${want.detectedWithinSeconds} s`);
  }
  if (want.maxNewWeight !== undefined && got.maxNewWeight > want.maxNewWeight) out.push(`the new color reached ${got.maxNewWeight}%, expected at most ${want.maxNewWeight}%`);
  const after = want.newColorRequestsAfterRestore;
  if (after !== undefined) {
    if (got.newColorRequestsAfterRestore === undefined) out.push(`traffic was never verified back on ${got.colors.old}, expected the new color to serve at most ${after} requests after that`);
    else if (got.newColorRequestsAfterRestore > after) out.push(`the new color served ${got.newColorRequestsAfterRestore} requests after all traffic was verified back on ${got.colors.old}, expected at most ${after}`);
  }
  if (want.operatorResults !== undefined && JSON.stringify(want.operatorResults) !== JSON.stringify(got.operatorResults ?? [])) {
    out.push(`the operator's actions met ${JSON.stringify(got.operatorResults ?? [])}, expected ${JSON.stringify(want.operatorResults)}`);
  }
  return out;
}

/** The expectations about a held ramp, pages and the ledger (none: they matched). */
export function compareHeld(want: Expectation | undefined, got: { heldShares?: readonly number[]; pages: readonly string[]; ledgerTypes: readonly string[] }): string[] {
  const out: string[] = [];
  const held = want?.weightHeld;
  if (held) {
    const shares = got.heldShares ?? [];
    const off = shares.filter((p) => p !== held.newPercent);
    if (shares.length === 0) out.push(`no simulated minute fell between minutes ${held.fromMinute} and ${held.toMinute}, expected the new color held at ${held.newPercent}%`);
    else if (off.length > 0) out.push(`between minutes ${held.fromMinute} and ${held.toMinute} the new color's share was ${[...new Set(shares)].join('%, ')}%, expected it held at ${held.newPercent}%`);
  }
  for (const text of want?.paged ?? []) {
    if (!got.pages.some((p) => p.includes(text))) out.push(`no page's subject includes "${text}" (pages: ${got.pages.length === 0 ? 'none' : got.pages.map((p) => JSON.stringify(p)).join(', ')})`);
  }
  for (const type of want?.ledger ?? []) {
    if (!got.ledgerTypes.includes(type)) out.push(`the ledger has no "${type}" entry`);
  }
  return out;
}

function perColor<T>(f: (c: Color) => T): Record<Color, T> {
  return { blue: f('blue'), green: f('green') };
}

const dnsText = (d?: DnsWeights) => (d ? `  dns legacy=${d.legacy} alb=${d.alb}` : '');
const expectation = (e: Expectation | undefined) =>
  e === undefined ? 'nothing' : `${e.status ?? 'any status'}${e.error ? ` (${e.error})` : ''}${e.weights ? ` ${Object.entries(e.weights).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`;

/** The timeline as a table, and the summary, for a terminal. */
export function formatReport(rep: RehearsalReport): string {
  const lines = ['', `timeline (${rep.scenario})`, '  execution time  real    state                     weights read back', '  --------------  ------  ------------------------  ------------------'];
  for (const row of rep.timeline) {
    const h = Math.floor(row.virtualSeconds / 3600);
    const m = Math.floor((row.virtualSeconds % 3600) / 60);
    const sec = row.virtualSeconds % 60;
    lines.push(`  ${`${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`.padEnd(14)}  ${`${(row.realMs / 1000).toFixed(1)}s`.padEnd(6)}  ${row.state.padEnd(24)}  blue=${row.weights?.blue} green=${row.weights?.green}${dnsText(row.dns)}`);
  }
  const changes = rep.alarmChanges.filter((c) => c.atSeconds >= 0);
  if (changes.length > 0) {
    lines.push('', 'alarm changes');
    for (const c of changes) lines.push(`  ${String(c.atSeconds).padStart(6)} s  ${c.alarm.padEnd(44)} ${c.from} -> ${c.to}`);
  }
  lines.push('', 'summary');
  lines.push(`  outcome            ${rep.status}${rep.error ? ` (${rep.error})` : ''} - expected ${expectation(rep.expected)}: ${rep.matched ? 'MATCH' : 'MISMATCH'}`);
  for (const m of rep.mismatches) lines.push(`  mismatch           ${m}`);
  lines.push(`  final weights      blue=${rep.finalWeights.blue} green=${rep.finalWeights.green}`);
  if (rep.faultOnsetSeconds !== undefined) {
    lines.push(`  fault onset        ${rep.faultOnsetSeconds} s after the start`);
    lines.push(`  detection          ${rep.detectionSeconds === undefined ? 'never' : `${rep.detectionSeconds} s after onset (first rollback action)`}`);
    lines.push(`  restored           ${rep.restoredSeconds === undefined ? 'never' : `${rep.restoredSeconds} s after onset (all traffic on ${rep.colors.old}, read back)`}`);
    if (rep.newColorRequestsAfterRestore !== undefined) lines.push(`  after restore      ${rep.colors.new} served ${rep.newColorRequestsAfterRestore} requests`);
  }
  lines.push(`  new color          ${rep.colors.new}, at most ${rep.maxNewWeight}% of traffic`);
  lines.push(`  requests           ${COLORS.map((c) => `${c} ${rep.requests[c]} (${rep.failedRequests[c]} failed)`).join(', ')}`);
  lines.push(`  transitions        ${rep.transitions} (Step Functions cost $${rep.costUsd.toFixed(5)})`);
  lines.push(`  AWS calls          ${rep.awsCallsTotal}: ${Object.entries(rep.awsCalls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`  wall time          ${(rep.realMs / 1000).toFixed(1)} s`);
  for (const o of rep.operatorResults) lines.push(`  operator           ${o.at} ${o.do}: ${o.result}${o.message ? ` (${o.message.slice(0, 160)})` : ''}`);
  if (rep.cause) lines.push(`  cause              ${rep.cause.slice(0, 300)}`);
  return lines.join('\n');
}

