/**
 * The start announcement: who started the cutover, what it will do and when,
 * and how to follow it. Pure.
 */

export interface TimelinePlan {
  readonly steps: readonly number[];
  readonly bakeSeconds: number;
  readonly watchWindowSeconds: number;
  readonly approvals?: { readonly at: readonly string[] };
}

export interface StartTimeline {
  /** When each step is due at the earliest: from the start, every earlier step passing at its first bake (deploy, idle wait, smoke test and approvals come on top). */
  readonly steps: ReadonlyArray<{ readonly step: number; readonly percent: number; readonly dueAt: string }>;
  readonly promotionAt: string;
  readonly watchWindowEndsAt: string;
  readonly note: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** When each step is due, promotion and the end of the watch window, counted from `startMs`. */
export function startTimeline(p: TimelinePlan, startMs: number): StartTimeline {
  const bake = p.bakeSeconds * 1000;
  const promotion = startMs + p.steps.length * bake;
  const gates = p.approvals?.at.length ?? 0;
  return {
    steps: p.steps.map((percent, i) => ({ step: i + 1, percent, dueAt: iso(startMs + i * bake) })),
    promotionAt: iso(promotion),
    watchWindowEndsAt: iso(promotion + p.watchWindowSeconds * 1000),
    note: `earliest times, counted from the start: the deploy, the idle color's readiness and the smoke test come first, and each step is assumed to pass at its first bake${gates > 0 ? `; ${gates} approval gate${gates === 1 ? '' : 's'} (${p.approvals!.at.join(', ')}) come on top` : ''}`,
  };
}

/** The execution in the Step Functions console, and the command that follows it. */
export function howToFollow(executionArn: string, environment: string): { readonly console: string; readonly status: string } {
  const region = executionArn.split(':')[3] ?? '';
  return {
    console: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`,
    status: `npm run cutover -- status --env ${environment} ${executionArn}`,
  };
}
