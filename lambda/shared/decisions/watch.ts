/** Where the watch window stands after a tick. */
export interface WatchPlan {
  /** Checkpoints (seconds after promotion) whose report is due now. */
  readonly due: number[];
  /** Seconds to wait before the next tick; 0 when done. */
  readonly nextWaitSeconds: number;
  readonly done: boolean;
}

/**
 * Ticks every `tickSeconds` (so an alarm-driven rollback is noticed within one
 * tick), reports each checkpoint once, and ends at the window's close.
 */
export function watchPlan(elapsedSeconds: number, windowSeconds: number, checkpoints: readonly number[], reported: readonly number[], tickSeconds: number): WatchPlan {
  const due = checkpoints.filter((c) => c <= elapsedSeconds && !reported.includes(c));
  if (elapsedSeconds >= windowSeconds) return { due, nextWaitSeconds: 0, done: true };
  const nextCheckpoint = checkpoints.filter((c) => c > elapsedSeconds).sort((a, b) => a - b)[0];
  const untilEnd = windowSeconds - elapsedSeconds;
  const untilCheckpoint = nextCheckpoint === undefined ? Infinity : nextCheckpoint - elapsedSeconds;
  return { due, nextWaitSeconds: Math.max(1, Math.ceil(Math.min(tickSeconds, untilEnd, untilCheckpoint))), done: false };
}

/** Watch-window checkpoint: each signal against its target. */
export interface CheckpointSignals {
  readonly errorRatePercent: number | undefined;
  readonly p95Seconds: number | undefined;
  readonly healthyTargets: number;
  readonly desired: number;
}

export function checkpointReport(s: CheckpointSignals, targets: { errorRatePercent: number; p95Seconds: number }): Array<{ signal: string; value: number | null; target: string; ok: boolean }> {
  return [
    { signal: 'error rate %', value: s.errorRatePercent ?? null, target: `<= ${targets.errorRatePercent}`, ok: s.errorRatePercent !== undefined && s.errorRatePercent <= targets.errorRatePercent },
    { signal: 'p95 latency s', value: s.p95Seconds ?? null, target: `<= ${targets.p95Seconds}`, ok: s.p95Seconds !== undefined && s.p95Seconds <= targets.p95Seconds },
    { signal: 'healthy hosts', value: s.healthyTargets, target: `>= ${s.desired}`, ok: s.healthyTargets >= s.desired },
  ];
}
