import * as z from '../shared/zod';
import { ImageNotAllowed, InvalidInput, MisconfiguredFunction } from '../shared/errors';
import { imageProblem } from '../shared/images';
import { handler as wrap } from '../shared/handler';
import { CutoverInput, cutoverInputSchema, Plan } from '../shared/input';
import { settings } from '../shared/settings';
import { stepsFor } from '../shared/decisions/weights';
import { CutoverDefaults, resolveJudge, ResolvedJudge } from '../shared/cutover-config';
import { planLimitProblems, Stages, stagesFromSettings } from '../shared/decisions/limits';
import { resolveApprovals } from '../shared/decisions/gate';
import { changeDecision } from '../shared/decisions/change-window';
import { ChangeControl } from '../shared/cutover-config';
import { ChangeFreeze, OutsideChangeWindow, WindowTooShort } from '../shared/errors';

/** The environment's judge, tightened by the input; loosening any setting is refused, naming it. */
export function tightenJudge(env: ResolvedJudge, input: CutoverInput['judge']): ResolvedJudge {
  const j = input ?? {};
  const looser: string[] = [];
  if (j.errorMarginPercentPoints !== undefined && j.errorMarginPercentPoints > env.errorMarginPercentPoints) looser.push(`errorMarginPercentPoints ${j.errorMarginPercentPoints} is above the environment's ${env.errorMarginPercentPoints}`);
  if (j.confidence !== undefined && j.confidence < env.confidence) looser.push(`confidence ${j.confidence} is below the environment's ${env.confidence}`);
  if (j.minRequestsPerColor !== undefined && j.minRequestsPerColor < env.minRequestsPerColor) looser.push(`minRequestsPerColor ${j.minRequestsPerColor} is below the environment's ${env.minRequestsPerColor}`);
  if (j.ruleOutPercentPoints !== undefined && j.ruleOutPercentPoints > env.ruleOutPercentPoints) looser.push(`ruleOutPercentPoints ${j.ruleOutPercentPoints} is above the environment's ${env.ruleOutPercentPoints}`);
  if (j.maxBakeSeconds !== undefined && j.maxBakeSeconds > env.maxBakeSeconds) looser.push(`maxBakeSeconds ${j.maxBakeSeconds} is above the environment's ${env.maxBakeSeconds}`);
  if (j.latencyThresholdSeconds !== undefined && j.latencyThresholdSeconds > env.latencyThresholdSeconds) looser.push(`latencyThresholdSeconds ${j.latencyThresholdSeconds} is above the environment's ${env.latencyThresholdSeconds}`);
  if (j.onBothBad === 'hold' && env.onBothBad === 'rollback') looser.push('onBothBad "hold" is looser than the environment\'s "rollback"');
  if (looser.length > 0) throw new InvalidInput(`judge: a cutover may tighten the judge, never loosen it: ${looser.join('; ')}; change the environment's judge settings instead`);
  return { ...env, ...Object.fromEntries(Object.entries(j).filter(([, v]) => v !== undefined)) };
}

/**
 * Turns a valid input into the plan every later state follows, refusing one
 * whose longest run would not fit one execution (`stages`: the environment's;
 * default: its idle deadline, no backup or sync). Pure.
 */
export function planFrom(input: CutoverInput, d: CutoverDefaults, dataSyncConfigured = false, dnsConfigured = false, stages?: Stages): Plan {
  if (input.dataSync && !dataSyncConfigured) {
    throw new InvalidInput('dataSync: this environment has no final data sync configured (dataSync in its config file); leave dataSync out');
  }
  const dataSync = input.dataSync ?? dataSyncConfigured;
  if (dataSync && input.maintenance === false) {
    throw new InvalidInput('maintenance: the final data sync runs with writes frozen, so maintenance cannot be false; send "dataSync": false to skip the sync instead');
  }
  const steps = input.steps ?? stepsFor(input.strategy ?? 'canary', d.steps);
  const judge = tightenJudge(resolveJudge(d.judge), input.judge);
  if (dnsConfigured && steps.some((p) => !Number.isInteger(p))) {
    throw new InvalidInput(`steps: this environment ramps a legacy endpoint in DNS, whose weights cannot hold a tenth of a percent; use whole percents (${steps.join(', ')})`);
  }
  const bakeSeconds = input.bakeSeconds ?? d.bakeSeconds;
  if (judge.maxBakeSeconds < bakeSeconds) throw new InvalidInput(`judge.maxBakeSeconds (${judge.maxBakeSeconds}) is below bakeSeconds (${bakeSeconds}); a step could never be judged; lower bakeSeconds`);
  const gates = resolveApprovals(d.approvals, input.approvals, steps.length);
  if (gates.problems.length > 0) throw new InvalidInput(`${gates.problems.join('; ')}; nothing was changed`);
  const watchHours = input.watchWindowHours ?? d.watchWindowHours;
  const windowSeconds = Math.round(watchHours * 3600);
  const plan: Plan = {
    image: input.image,
    steps,
    bakeSeconds,
    watchWindowSeconds: windowSeconds,
    checkpointSeconds: d.checkpointHours.map((h) => Math.round(h * 3600)).filter((s) => s <= windowSeconds),
    watchTickSeconds: d.watchTickSeconds,
    reason: input.reason,
    dryRun: input.dryRun,
    maintenance: input.maintenance ?? dataSync,
    dataSync,
    judge,
    acceptThinCanary: input.acceptThinCanary ?? false,
    ...(gates.approvals ? { approvals: gates.approvals } : {}),
    pause: { pageAfterSeconds: d.pause.pageAfterMinutes * 60, maxSeconds: Math.round(d.pause.maxHours * 3600), maxPauses: d.pause.maxPauses },
    ...(input.startedBy ? { startedBy: input.startedBy } : {}),
  };
  const problems = planLimitProblems(plan, stages ?? { idleDeadlineSeconds: d.idleDeadlineSeconds, backupDeadlineSeconds: 0, syncStageSeconds: 0, deregistrationDelaySeconds: 0 });
  if (problems.length > 0) throw new InvalidInput(`This plan does not fit one Step Functions execution, nothing was changed: ${problems.join('; ')}`);
  return plan;
}

/** Explains every problem of an input in one message an operator can act on. */
export function explain(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const where = i.path.length > 0 ? i.path.join('.') : 'input';
    const msg = i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.map((k) => JSON.stringify(k)).join(', ')}: remove them (allowed: image, strategy, steps, bakeSeconds, watchWindowHours, reason, dryRun, dataSync, maintenance, judge, acceptThinCanary, approvals, startedBy, override)` : i.message;
    return `${where}: ${msg}`;
  });
  return `The cutover input is invalid, nothing was changed. ${lines.join('; ')}. Example: {"image": "repo/app:1.2.3", "strategy": "canary", "reason": "release 1.2.3"}`;
}

const eventSchema = z.object({ input: z.unknown() });

const REFUSED = { OutsideChangeWindow, ChangeFreeze, WindowTooShort } as const;

/**
 * The change windows and freezes at `nowMs` for this plan: refused with a
 * named error (before anything changes) unless the input overrides; what was
 * overridden and any warning go into the plan for pre-flight to record. Pure.
 */
export function checkChangeWindow(plan: Plan, input: CutoverInput, cc: ChangeControl, nowMs: number): Plan {
  if (cc.changeWindows.length === 0 && cc.freezes.length === 0 && !input.override) return plan;
  // Approvals aside: steps times bake, and the watch window.
  const expectedEndMs = nowMs + (plan.steps.length * plan.bakeSeconds + plan.watchWindowSeconds) * 1000;
  const v = changeDecision({ nowMs, windows: cc.changeWindows, freezes: cc.freezes, override: input.override, expectedEndMs, overrun: cc.changeWindowOverrun });
  if (!v.ok) throw new REFUSED[v.error](`${v.message}; nothing was changed`);
  return {
    ...plan,
    changeControl: {
      ...(v.overridden && input.override ? { override: { ...input.override, ...v.overridden } } : {}),
      warnings: v.warnings,
      ...(v.windowClosesMs !== undefined ? { windowClosesMs: v.windowClosesMs } : {}),
    },
  };
}

export const handler = wrap('validate-input', eventSchema, async (event) => {
  const parsed = cutoverInputSchema.safeParse(event.input);
  if (!parsed.success) throw new InvalidInput(explain(parsed.error.issues));
  const s = settings();
  if (parsed.data.image !== undefined) {
    if (!s.allowedImages) throw new MisconfiguredFunction('ALLOWED_IMAGES is not set: no image can be checked, so none is deployed');
    const problem = imageProblem(parsed.data.image, s.allowedImages);
    if (problem) throw new ImageNotAllowed(`${problem}; nothing was changed`);
  }
  const plan = planFrom(parsed.data, s.defaults, s.dataSync !== undefined, s.dns !== undefined, stagesFromSettings(s));
  return checkChangeWindow(plan, parsed.data, s.changeControl, Date.now());
});
