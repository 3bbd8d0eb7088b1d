import { Color, COLORS } from '../../lambda/shared/colors';
import { ColorBehaviour, Fault, HEALTHY, Moment, PublishedMetric, Traffic } from './schema';

/** When the moments a fault can name happened, epoch ms; absent: not yet. */
export interface Marks {
  readonly startMs: number;
  /** When step N's weights were set (index N-1). */
  readonly steps: readonly number[];
  readonly promotionMs?: number;
}

/** When a moment happened, or undefined if it has not (yet). */
export function momentAt(m: Moment, marks: Marks): number | undefined {
  if (m === 'start') return marks.startMs;
  if (m === 'promotion') return marks.promotionMs;
  const [kind, n] = m.split(':');
  if (kind === 'step') return marks.steps[Number(n) - 1];
  const first = marks.steps[0];
  return first === undefined ? undefined : first + Number(n) * 60_000;
}

/** A fault is active from its `from` moment until its `until` moment, if that has come. */
export function isActive(f: Fault, marks: Marks, atMs: number): boolean {
  const from = momentAt(f.from, marks);
  if (from === undefined || from > atMs) return false;
  if (f.until === undefined) return true;
  const until = momentAt(f.until, marks);
  return until === undefined || until > atMs;
}

const isPerColor = (m: PublishedMetric) => Object.values(m.dimensions).some((d) => d.includes('{color}'));
const identity = (m: PublishedMetric) => `${m.namespace}|${m.metricName}|${JSON.stringify(Object.entries(m.dimensions).sort())}`;

/**
 * What each color does at `atMs`: the drill's traffic, with every active fault
 * laid over its color in order (a later fault wins a field both set). Metrics
 * naming `{color}` belong to the color; the others are shared, and a fault's
 * version of a shared metric replaces the traffic's.
 */
export function behaviourAt(
  traffic: Traffic,
  faults: readonly Fault[],
  colors: { readonly old: Color; readonly new: Color },
  marks: Marks,
  atMs: number,
): { behaviour: Record<Color, ColorBehaviour>; sharedMetrics: PublishedMetric[]; active: Fault[] } {
  const base: ColorBehaviour = {
    errorRatePercent: traffic.errorRatePercent ?? HEALTHY.errorRatePercent,
    loadBalancer5xxPercent: traffic.loadBalancer5xxPercent ?? HEALTHY.loadBalancer5xxPercent,
    p95Seconds: traffic.p95Seconds ?? HEALTHY.p95Seconds,
    unhealthyTargets: traffic.unhealthyTargets ?? HEALTHY.unhealthyTargets,
    taskExitsPerMinute: traffic.taskExitsPerMinute ?? HEALTHY.taskExitsPerMinute,
    cpuPercent: traffic.cpuPercent ?? HEALTHY.cpuPercent,
    memoryPercent: traffic.memoryPercent ?? HEALTHY.memoryPercent,
    metrics: (traffic.metrics ?? []).filter(isPerColor),
  };
  const shared = new Map((traffic.metrics ?? []).filter((m) => !isPerColor(m)).map((m) => [identity(m), m]));
  const behaviour = Object.fromEntries(COLORS.map((c) => [c, { ...base }])) as Record<Color, ColorBehaviour>;
  const active = faults.filter((f) => isActive(f, marks, atMs));
  for (const f of active) {
    const c = colors[f.color];
    const { color: _c, from: _f, until: _u, metrics, ...fields } = f;
    const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const perColor = (metrics ?? []).filter(isPerColor);
    const replaced = new Set(perColor.map(identity));
    behaviour[c] = { ...behaviour[c], ...set, metrics: [...behaviour[c].metrics.filter((m) => !replaced.has(identity(m))), ...perColor] };
    for (const m of (metrics ?? []).filter((x) => !isPerColor(x))) shared.set(identity(m), m);
  }
  return { behaviour, sharedMetrics: [...shared.values()], active };
}
