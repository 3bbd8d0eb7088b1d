import { callCounter } from '../lambda/shared/adapters/clients';
import { Weights } from '../lambda/shared/decisions/weights';
import { DnsWeights } from '../lambda/shared/decisions/dns';
import { runStateMachine } from './run';
import { Scenario, ScenarioContext } from './scenarios';
import { World } from './world';

/** Step Functions Standard: $0.025 per 1,000 state transitions. */
export const USD_PER_TRANSITION = 0.025 / 1000;

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

export interface RehearsalReport {
  readonly scenario: string;
  readonly description: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly cause?: string;
  readonly expected: Scenario['expect'];
  readonly matched: boolean;
  readonly finalWeights: Weights;
  /** Real milliseconds from the injected alarm to all traffic verified on the old color. */
  readonly alarmToVerifiedMs?: number;
  readonly transitions: number;
  readonly costUsd: number;
  readonly awsCalls: Record<string, number>;
  readonly awsCallsTotal: number;
  readonly timeline: TimelineRow[];
  /** Every state entered, in order (Tasks, Waits, Choices...). */
  readonly statesEntered: string[];
  readonly realMs: number;
}

/** Runs one scenario in a built world and reports what happened. */
export async function rehearse(world: World, s: Scenario, progress?: (line: string) => void): Promise<RehearsalReport> {
  callCounter.clear();
  const ctx: ScenarioContext = {};
  const started = performance.now();
  const virtualStart = Date.now();
  const timeline: TimelineRow[] = [];
  let verifiedAtMs: number | undefined;
  const fmt = (secs: number) => `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor((secs % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(secs % 60)).padStart(2, '0')}`;

  const r = await runStateMachine(s.input, {
    clock: world.clock,
    app: world.synthesized,
    machine: s.machine,
    ecsTask: world.runEcsTask,
    before: (state, input) => s.before?.(world, state, input, ctx) ?? Promise.resolve(),
    after: async (state) => {
      const weights = await world.observeWeights();
      const dns = world.dns ? await world.dnsWeights() : undefined;
      const row = { realMs: Math.round(performance.now() - started), virtualSeconds: Math.round((Date.now() - virtualStart) / 1000), state, weights, dns };
      timeline.push(row);
      if (state === 'Rollback' && weights.blue === 100 && verifiedAtMs === undefined) verifiedAtMs = performance.now();
      progress?.(`  [${fmt(row.virtualSeconds)} | ${(row.realMs / 1000).toFixed(1)}s] ${state.padEnd(24)} blue=${weights.blue} green=${weights.green}${dnsText(dns)}`);
    },
  });
  const finalWeights = await world.observeWeights();
  const matched = r.status === s.expect.status && (s.expect.error === undefined || r.error === s.expect.error) && finalWeights.blue === s.expect.weights.blue && finalWeights.green === s.expect.weights.green;
  const awsCalls = Object.fromEntries([...callCounter.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    scenario: s.name,
    description: s.description,
    status: r.status,
    error: r.error,
    cause: r.cause,
    expected: s.expect,
    matched,
    finalWeights,
    alarmToVerifiedMs: ctx.alarmAtMs !== undefined && verifiedAtMs !== undefined ? Math.round(verifiedAtMs - ctx.alarmAtMs) : undefined,
    transitions: r.transitions,
    costUsd: r.transitions * USD_PER_TRANSITION,
    awsCalls,
    awsCallsTotal: Object.values(awsCalls).reduce((a, b) => a + b, 0),
    timeline,
    statesEntered: r.states,
    realMs: Math.round(performance.now() - started),
  };
}

const dnsText = (d?: DnsWeights) => (d ? `  dns legacy=${d.legacy} alb=${d.alb}` : '');

/** The timeline as a table, and the summary, for a terminal. */
export function formatReport(rep: RehearsalReport): string {
  const lines = ['', `timeline (${rep.scenario})`, '  execution time  real    state                     weights read back', '  --------------  ------  ------------------------  ------------------'];
  for (const row of rep.timeline) {
    const h = Math.floor(row.virtualSeconds / 3600);
    const m = Math.floor((row.virtualSeconds % 3600) / 60);
    const sec = row.virtualSeconds % 60;
    lines.push(`  ${`${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`.padEnd(14)}  ${`${(row.realMs / 1000).toFixed(1)}s`.padEnd(6)}  ${row.state.padEnd(24)}  blue=${row.weights?.blue} green=${row.weights?.green}${dnsText(row.dns)}`);
  }
  lines.push('', 'summary');
  lines.push(`  outcome            ${rep.status}${rep.error ? ` (${rep.error})` : ''} - expected ${rep.expected.status}${rep.expected.error ? ` (${rep.expected.error})` : ''}: ${rep.matched ? 'MATCH' : 'MISMATCH'}`);
  lines.push(`  final weights      blue=${rep.finalWeights.blue} green=${rep.finalWeights.green}`);
  if (rep.alarmToVerifiedMs !== undefined) lines.push(`  alarm to verified  ${rep.alarmToVerifiedMs} ms (all traffic on blue, read back)`);
  lines.push(`  transitions        ${rep.transitions} (Step Functions cost $${rep.costUsd.toFixed(5)})`);
  lines.push(`  AWS calls          ${rep.awsCallsTotal}: ${Object.entries(rep.awsCalls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`  wall time          ${(rep.realMs / 1000).toFixed(1)} s`);
  if (rep.cause) lines.push(`  cause              ${rep.cause.slice(0, 300)}`);
  return lines.join('\n');
}
