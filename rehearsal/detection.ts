import * as fs from 'fs';
import * as path from 'path';
import { runDrill } from './drills/run';
import { Drill, loadDrill } from './drills/schema';
import { Moto } from './moto';
import { RehearsalReport } from './rehearse';

/**
 * Detection and blast radius, measured from the trigger drills: each crossing
 * drill's fault, replayed at several traffic levels and first steps, once as
 * Switchyard runs it and once as an alarm-only baseline (the same alarms and
 * the same ramp, with no step gating: what ECS's and CodeDeploy's own alarm
 * rollback do); and seeded healthy runs that must end promoted.
 */

export type Mode = 'switchyard' | 'alarm-only';

export interface DetectionRun {
  readonly trigger: string;
  readonly requestsPerMinute: number;
  readonly firstStepPercent: number;
  readonly mode: Mode;
  readonly status: string;
  readonly error?: string;
  /** Seconds from fault onset to the first rollback action; undefined: never. */
  readonly detectionSeconds?: number;
  /** Seconds from fault onset to all traffic verified on the old color. */
  readonly restoredSeconds?: number;
  /** Requests the bad (new) color served, and how many of them failed. */
  readonly badColorRequests: number;
  readonly badColorFailed: number;
  readonly maxNewWeight: number;
}

/** Every step check passes, unpaused and not extended, as the real check answers a passing step: the alarm-only baseline. */
export const ALARM_ONLY = { replaceTasks: { CheckStep: async () => ({ ok: true, paused: false, extend: false, hold: false, note: 'alarm-only baseline: no step gating' }) } };

const TRIGGERS_DIR = path.join(__dirname, '..', 'drills', 'triggers');

/** The crossing trigger drills: the faults whose detection is measured. */
export function triggerDrills(dir = TRIGGERS_DIR): Array<{ trigger: string; drill: Drill }> {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('-crossed.json'))
    .sort()
    .map((f) => ({ trigger: f.replace(/-crossed\.json$/, ''), drill: loadDrill(path.join(dir, f)) }));
}

/** A drill at another traffic level and first step, without its expectation and tail. */
export function variantOf(d: Drill, requestsPerMinute: number, firstStepPercent: number, seed = d.traffic.seed): Drill {
  const steps = [firstStepPercent, 50, 100].filter((s, i, a) => i === 0 || s > a[i - 1]);
  return { ...d, traffic: { ...d.traffic, requestsPerMinute, seed }, input: { ...d.input, steps }, expect: undefined, tailMinutes: 0, warmUpMinutes: 10 };
}

function summarize(trigger: string, rate: number, step: number, mode: Mode, r: RehearsalReport): DetectionRun {
  return {
    trigger,
    requestsPerMinute: rate,
    firstStepPercent: step,
    mode,
    status: r.status,
    // What caused a rollback (AlarmBreached, RolledBackByAlarm, JudgedWorse, InsufficientTraffic...), not just that it happened.
    error: r.error === 'RolledBack' && r.cause ? r.cause.split(':')[0] : r.error,
    detectionSeconds: r.detectionSeconds,
    restoredSeconds: r.restoredSeconds,
    badColorRequests: r.requests[r.colors.new],
    badColorFailed: r.failedRequests[r.colors.new],
    maxNewWeight: r.maxNewWeight,
  };
}

export async function detectionRuns(
  moto: Moto,
  o: { readonly rates: readonly number[]; readonly steps: readonly number[]; readonly triggers?: ReadonlyArray<{ trigger: string; drill: Drill }>; readonly progress?: (line: string) => void },
): Promise<DetectionRun[]> {
  const out: DetectionRun[] = [];
  for (const { trigger, drill } of o.triggers ?? triggerDrills()) {
    for (const rate of o.rates) {
      for (const step of o.steps) {
        const v = variantOf(drill, rate, step);
        for (const mode of ['switchyard', 'alarm-only'] as const) {
          const r = summarize(trigger, rate, step, mode, await runDrill(moto, v, undefined, mode === 'alarm-only' ? ALARM_ONLY : {}));
          o.progress?.(`${trigger} ${rate}/min ${step}% ${mode}: ${r.status}${r.error ? ` ${r.error}` : ''}, detected ${r.detectionSeconds ?? '-'} s, bad color failed ${r.badColorFailed}`);
          out.push(r);
        }
      }
    }
  }
  return out;
}

export interface FalseRollbacks {
  readonly requestsPerMinute: number;
  readonly runs: number;
  readonly promoted: number;
  /** Why the others were not promoted, with counts. */
  readonly reasons: Record<string, number>;
}

/** Healthy runs (both colors behave the same), seeded 1..runs, at each traffic level. */
export async function falseRollbacks(moto: Moto, o: { readonly rates: readonly number[]; readonly runs: number; readonly firstStepPercent: number; readonly base?: Drill; readonly progress?: (line: string) => void }): Promise<FalseRollbacks[]> {
  const base = o.base ?? loadDrill(path.join(TRIGGERS_DIR, '5xx-above-5pct-for-2min-held-under.json'));
  const healthy: Drill = { ...base, faults: [], input: { ...base.input, watchWindowHours: 0 } };
  const out: FalseRollbacks[] = [];
  for (const rate of o.rates) {
    const reasons: Record<string, number> = {};
    let promoted = 0;
    for (let seed = 1; seed <= o.runs; seed++) {
      const r = await runDrill(moto, variantOf(healthy, rate, o.firstStepPercent, seed));
      if (r.status === 'SUCCEEDED') promoted++;
      else {
        const why = `${r.error ?? r.status}: ${(r.cause ?? '').replace(/^[A-Za-z]+: /, '').replace(/\d+/g, 'N').slice(0, 90)}`;
        reasons[why] = (reasons[why] ?? 0) + 1;
      }
    }
    o.progress?.(`healthy at ${rate}/min: ${promoted}/${o.runs} promoted`);
    out.push({ requestsPerMinute: rate, runs: o.runs, promoted, reasons });
  }
  return out;
}

/** The detection runs as a table: one line per trigger, traffic level and first step, both modes side by side. */
export function formatDetection(runs: readonly DetectionRun[]): string {
  const lines = [
    'trigger                              rpm    step | switchyard: outcome          detect  restore  bad served/failed | alarm-only: outcome        detect  bad served/failed | failed ratio',
  ];
  const key = (r: DetectionRun) => `${r.trigger}|${r.requestsPerMinute}|${r.firstStepPercent}`;
  const by = new Map<string, Partial<Record<Mode, DetectionRun>>>();
  for (const r of runs) by.set(key(r), { ...by.get(key(r)), [r.mode]: r });
  const outcome = (r: DetectionRun) => `${r.status === 'SUCCEEDED' ? 'PROMOTED' : r.error ?? r.status}`;
  const secs = (n?: number) => (n === undefined ? 'never' : `${n}s`);
  for (const [k, m] of by) {
    const [trigger, rate, step] = k.split('|');
    const s = m.switchyard!;
    const b = m['alarm-only']!;
    const ratio = b.badColorFailed === 0 ? (s.badColorFailed === 0 ? '1.00' : 'n/a') : (s.badColorFailed / b.badColorFailed).toFixed(2);
    lines.push(
      `${trigger.padEnd(36)} ${rate.padStart(5)} ${`${step}%`.padStart(5)} | ${outcome(s).padEnd(27)} ${secs(s.detectionSeconds).padStart(6)} ${secs(s.restoredSeconds).padStart(8)} ${`${s.badColorRequests}/${s.badColorFailed}`.padStart(18)} | ${outcome(b).padEnd(25)} ${secs(b.detectionSeconds).padStart(6)} ${`${b.badColorRequests}/${b.badColorFailed}`.padStart(18)} | ${ratio.padStart(6)}`,
    );
  }
  return lines.join('\n');
}

/** A new-color degradation of the judging table. */
export interface Degradation {
  readonly name: string;
  /** What the new color does, on top of the healthy traffic. */
  readonly fault: { errorRatePercent?: number; p95Seconds?: number };
}

const HEALTHY_ERROR = 0.3;
const HEALTHY_P95 = 0.25;
export const DEGRADATIONS: readonly Degradation[] = [
  { name: '+1 pp errors', fault: { errorRatePercent: HEALTHY_ERROR + 1 } },
  { name: '+5 pp errors', fault: { errorRatePercent: HEALTHY_ERROR + 5 } },
  { name: '100% errors', fault: { errorRatePercent: 100 } },
  { name: 'p95 x2', fault: { p95Seconds: HEALTHY_P95 * 2 } },
];

export interface JudgingCell {
  readonly requestsPerMinute: number;
  readonly firstStepPercent: number;
  readonly degradation: string;
  readonly mode: Mode;
  readonly runs: number;
  /** Runs where the bad color never got past its first step (rolled back, or the cutover failed, at it). */
  readonly stoppedAtFirstStep: number;
  /** Runs that ended promoted with the bad color. */
  readonly promoted: number;
  /** Median requests the bad color served before traffic was back on the old one. */
  readonly medianBadRequests: number;
}

/** The judging drill: production, healthy traffic, the new color degraded from its first step. */
function judgingDrill(rate: number, step: number, seed: number, fault: Degradation['fault'] | undefined): Drill {
  return {
    name: 'judging',
    environment: 'production',
    input: { steps: [step, 50, 100].filter((s, i, a) => i === 0 || s > a[i - 1]), bakeSeconds: 300, watchWindowHours: 0, reason: 'bench: judging' },
    machine: 'cutover',
    traffic: { requestsPerMinute: rate, errorRatePercent: HEALTHY_ERROR, p95Seconds: HEALTHY_P95, stickyClientsPercent: 0, ingestDelaySeconds: 60, seed },
    faults: fault ? [{ color: 'new', from: 'step:1', ...fault }] : [],
    tailMinutes: 0,
    operator: [],
    warmUpMinutes: 10,
  } as Drill;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};

/** Seeded drills over traffic × first step × degradation, as Switchyard runs them and with threshold alarms only. */
export async function judgingTable(moto: Moto, o: { readonly rates: readonly number[]; readonly steps: readonly number[]; readonly seeds: number; readonly degradations?: readonly Degradation[]; readonly progress?: (line: string) => void }): Promise<JudgingCell[]> {
  const out: JudgingCell[] = [];
  for (const rate of o.rates) {
    for (const step of o.steps) {
      for (const d of o.degradations ?? DEGRADATIONS) {
        for (const mode of ['switchyard', 'alarm-only'] as const) {
          let stopped = 0;
          let promoted = 0;
          const served: number[] = [];
          for (let seed = 1; seed <= o.seeds; seed++) {
            const r = await runDrill(moto, judgingDrill(rate, step, seed, d.fault), undefined, mode === 'alarm-only' ? ALARM_ONLY : {});
            if (r.status === 'SUCCEEDED') promoted++;
            if (r.maxNewWeight <= step) stopped++;
            served.push(r.requests[r.colors.new]);
          }
          const cell = { requestsPerMinute: rate, firstStepPercent: step, degradation: d.name, mode, runs: o.seeds, stoppedAtFirstStep: stopped, promoted, medianBadRequests: median(served) };
          o.progress?.(`${rate}/min ${step}% ${d.name} ${mode}: stopped at step 1 ${stopped}/${o.seeds}, promoted ${promoted}`);
          out.push(cell);
        }
      }
    }
  }
  return out;
}

/** A/A: both colors alike; the share of runs that do not end promoted, per mode. */
export async function aaRuns(moto: Moto, o: { readonly rates: readonly number[]; readonly firstStepPercent: number; readonly runs: number; readonly progress?: (line: string) => void }): Promise<Array<{ requestsPerMinute: number; mode: Mode; runs: number; promoted: number; reasons: Record<string, number> }>> {
  const out: Array<{ requestsPerMinute: number; mode: Mode; runs: number; promoted: number; reasons: Record<string, number> }> = [];
  for (const rate of o.rates) {
    for (const mode of ['switchyard', 'alarm-only'] as const) {
      const reasons: Record<string, number> = {};
      let promoted = 0;
      for (let seed = 1; seed <= o.runs; seed++) {
        const r = await runDrill(moto, judgingDrill(rate, o.firstStepPercent, 1000 + seed, undefined), undefined, mode === 'alarm-only' ? ALARM_ONLY : {});
        if (r.status === 'SUCCEEDED') promoted++;
        else {
          const why = (r.cause ?? r.error ?? r.status).split(':')[0];
          reasons[why] = (reasons[why] ?? 0) + 1;
        }
      }
      o.progress?.(`A/A ${rate}/min ${mode}: ${promoted}/${o.runs} promoted`);
      out.push({ requestsPerMinute: rate, mode, runs: o.runs, promoted, reasons });
    }
  }
  return out;
}

/** The judging table: per traffic, first step and degradation, both modes side by side. */
export function formatJudging(cells: readonly JudgingCell[]): string {
  const lines = ['rpm    step  degradation     | switchyard: stopped at step 1  promoted  median bad requests | threshold alarms only: stopped at step 1  promoted  median bad requests'];
  const by = new Map<string, Partial<Record<Mode, JudgingCell>>>();
  for (const c of cells) {
    const k = `${c.requestsPerMinute}|${c.firstStepPercent}|${c.degradation}`;
    by.set(k, { ...by.get(k), [c.mode]: c });
  }
  for (const [k, m] of by) {
    const [rate, step, d] = k.split('|');
    const s = m.switchyard!;
    const b = m['alarm-only']!;
    lines.push(`${rate.padStart(5)}  ${`${step}%`.padStart(4)}  ${d.padEnd(15)} | ${`${s.stoppedAtFirstStep}/${s.runs}`.padStart(27)}  ${`${s.promoted}/${s.runs}`.padStart(8)}  ${String(s.medianBadRequests).padStart(19)} | ${`${b.stoppedAtFirstStep}/${b.runs}`.padStart(38)}  ${`${b.promoted}/${b.runs}`.padStart(8)}  ${String(b.medianBadRequests).padStart(19)}`);
  }
  return lines.join('\n');
}
