/**
 * Which minutes a step check may judge: whole minutes after the shift (the
 * minute the weights changed in is mixed), and only those old enough to be
 * complete (ALB datapoints arrive late; a minute not yet reported must be
 * neither missed nor read as zero).
 */
export function judgeWindow(shiftedAtMs: number, nowMs: number, metricDelaySeconds: number): { startMs: number; endMs: number; minutes: number } {
  const startMs = Math.ceil(shiftedAtMs / 60_000) * 60_000;
  const endMs = Math.max(startMs, Math.floor((nowMs - metricDelaySeconds * 1000) / 60_000) * 60_000);
  return { startMs, endMs, minutes: (endMs - startMs) / 60_000 };
}

/** How many times a step may be looked at: its longest bake over one bake, at least once. */
export function looksFor(bakeSeconds: number, maxBakeSeconds: number): number {
  return bakeSeconds <= 0 ? 1 : Math.max(1, Math.floor(maxBakeSeconds / bakeSeconds));
}
