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

/** Every step check passes: the alarm-only baseline. */
const ALARM_ONLY = { replaceTasks: { CheckStep: async () => ({ ok: true, note: 'alarm-only baseline: no step gating' }) } };

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
    error: r.error,
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
