import { syncStageSeconds } from './sync';
import { looksFor } from './window';
import { APPROVAL_BUDGET_SECONDS, longestGateWaitSeconds, PlanApprovals } from './gate';
import { PlanPause } from './pause';
import { PAUSE_MAX_HOURS } from '../pause-config';

/**
 * What a cutover may ask of one Step Functions execution. A Standard
 * execution stops at 25,000 history events, and at its timeout; either skips
 * every Catch, so nothing rolls back and the lock is left to its expiry.
 * Every plan validate-input accepts (and every environment's default plan)
 * is bounded here: its longest run, with every wait at its deadline and every
 * step baking to judge.maxBakeSeconds, stays within both.
 */

/** Step Functions stops a Standard execution at this many history events. */
export const HISTORY_EVENT_LIMIT = 25_000;
/** What a plan's longest run may use: the rest is left for Lambda retries, throttles and the rollback path. */
export const HISTORY_EVENT_BUDGET = 20_000;
/** Longest the ramp and the watch window of one cutover may take together (72 hours of watch and 12 of ramp). */
export const RAMP_AND_WATCH_BUDGET_SECONDS = 84 * 3600;
/** Longest a cutover may be paused, all its pauses together (the largest cutover.pause.maxHours). */
export const PAUSE_BUDGET_SECONDS = PAUSE_MAX_HOURS * 3600;
/** Seconds between readiness checks of the idle color (WaitForIdle). */
export const IDLE_POLL_SECONDS = 30;
/** Seconds between checks of a snapshot being taken (WaitForBackup). */
export const BACKUP_POLL_SECONDS = 60;
/** The one-off tasks at their timeouts (validate, lock, pre-flight, deploy, smoke test, maintenance, promote, scale-down, release) and the rollback path (two rollback attempts, the page, the release). */
export const ONE_OFF_TASKS_SECONDS = 3600;
/** The lock outlives the execution's timeout by this much: a timed-out execution frees it by expiry soon after. */
export const LOCK_MARGIN_SECONDS = 15 * 60;

/** History events per state, as Step Functions records them: a Lambda Task's entered, scheduled, started, succeeded, exited; other states' entered and exited. */
const EVENTS = { task: 5, wait: 2, choice: 2 };
/** Worst-case seconds of the Lambda Tasks that repeat (their timeouts). */
const TASK_SECONDS = { checkIdle: 60, checkBackup: 60, shift: 60, checkStep: 60, watchTick: 120 };
/** The sync stage's six tasks (two of them ECS .sync tasks) and its choice. */
const SYNC_STAGE_EVENTS = 40;
/** The end: drain, scale down, release and succeed, or roll back, page, release and fail, with retries. */
const TAIL_EVENTS = 60;

/** The environment's stages every cutover passes through, whatever its plan. */
export interface Stages {
  /** How long the idle color may take to become healthy (cutover.idleDeadlineSeconds). */
  readonly idleDeadlineSeconds: number;
  /** How long taking the snapshot may take; 0 without a database. */
  readonly backupDeadlineSeconds: number;
  /** The final data sync and its validation (syncStageSeconds); 0 without one. */
  readonly syncStageSeconds: number;
  /** The old color drains this long before it is scaled down. */
  readonly deregistrationDelaySeconds: number;
}

/** The parts of a plan that decide how long it runs and how many events it records. */
export interface PlanShape {
  readonly steps: readonly number[];
  readonly bakeSeconds: number;
  readonly watchWindowSeconds: number;
  readonly checkpointSeconds: readonly number[];
  readonly watchTickSeconds: number;
  readonly maintenance: boolean;
  readonly dataSync: boolean;
  readonly judge: { readonly maxBakeSeconds: number };
  /** Approval gates; absent: none. */
  readonly approvals?: PlanApprovals;
  /** What operators' pauses may take; absent: no pauses counted. */
  readonly pause?: PlanPause;
}

/** A plan's longest run, part by part. */
export interface PlanCost {
  readonly historyEvents: number;
  /** Seconds of the ramp: every step shifted, then looked at as often as its longest bake allows. */
  readonly rampSeconds: number;
  /** Seconds of the watch window, its last tick included. */
  readonly watchSeconds: number;
  /** Seconds of the whole run: ramp, watch and every stage at its deadline. */
  readonly durationSeconds: number;
  /** Events by part, largest first, each with the settings that make it (for messages). */
  readonly parts: ReadonlyArray<{ readonly events: number; readonly what: string; readonly lower: string }>;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Watch ticks: one at promotion, one per tick interval, one more for each checkpoint between them. */
export function watchTicks(p: PlanShape): number {
  if (p.watchWindowSeconds <= 0) return 1;
  const inside = new Set(p.checkpointSeconds.filter((c) => c > 0 && c < p.watchWindowSeconds)).size;
  return 1 + ceilDiv(p.watchWindowSeconds, p.watchTickSeconds) + inside;
}

/** Seconds of the stages every cutover of this environment passes through, its one-off tasks and rollback path included. */
export function fixedSeconds(s: Stages): number {
  const backup = s.backupDeadlineSeconds > 0 ? s.backupDeadlineSeconds + BACKUP_POLL_SECONDS + TASK_SECONDS.checkBackup : 0;
  const idle = s.idleDeadlineSeconds + IDLE_POLL_SECONDS + TASK_SECONDS.checkIdle;
  return ONE_OFF_TASKS_SECONDS + backup + idle + s.syncStageSeconds + s.deregistrationDelaySeconds + 10;
}

/**
 * The state machine's timeout: the longest ramp and watch any accepted plan
 * may take, and this environment's stages at their deadlines.
 */
export function executionTimeoutSeconds(s: Stages): number {
  return RAMP_AND_WATCH_BUDGET_SECONDS + APPROVAL_BUDGET_SECONDS + PAUSE_BUDGET_SECONDS + fixedSeconds(s);
}

/** How long the lock is held: past the execution's timeout, so a timed-out execution (which skips every Catch) frees it by expiry. */
export function lockLifetimeSeconds(s: Stages): number {
  return executionTimeoutSeconds(s) + LOCK_MARGIN_SECONDS;
}

/** The longest run of a plan: history events and seconds. */
export function planCost(p: PlanShape, s: Stages): PlanCost {
  const looks = looksFor(p.bakeSeconds, p.judge.maxBakeSeconds);
  const lookEvents = EVENTS.wait + EVENTS.task + EVENTS.choice; // Bake, CheckStep, BakeAgain?
  const stepChecks = p.steps.length * looks;
  const ticks = watchTicks(p);
  const idleChecks = ceilDiv(s.idleDeadlineSeconds, IDLE_POLL_SECONDS) + 1;
  const backupChecks = s.backupDeadlineSeconds > 0 ? ceilDiv(s.backupDeadlineSeconds, BACKUP_POLL_SECONDS) + 1 : 0;
  const loop = EVENTS.wait + EVENTS.task + EVENTS.choice;
  const parts = [
    { events: ticks * loop, what: `${ticks} watch ticks (watchWindowHours ${p.watchWindowSeconds / 3600} every cutover.watchTickSeconds ${p.watchTickSeconds}, and checkpoints)`, lower: 'shorten watchWindowHours or raise cutover.watchTickSeconds' },
    { events: stepChecks * lookEvents, what: `${stepChecks} step checks (${p.steps.length} steps, up to ${looks} looks each: judge.maxBakeSeconds ${p.judge.maxBakeSeconds} over bakeSeconds ${p.bakeSeconds})`, lower: 'use fewer steps, a longer bakeSeconds or a lower judge.maxBakeSeconds' },
    { events: idleChecks * loop, what: `${idleChecks} idle checks (cutover.idleDeadlineSeconds ${s.idleDeadlineSeconds})`, lower: 'lower cutover.idleDeadlineSeconds' },
    { events: backupChecks * loop, what: `${backupChecks} backup checks (database.snapshotDeadlineMinutes ${s.backupDeadlineSeconds / 60})`, lower: 'lower database.snapshotDeadlineMinutes' },
    {
      events: pauseEvents(p.pause),
      what: p.pause ? `up to ${p.pause.maxPauses} pauses (cutover.pause.maxPauses, paging every pageAfterMinutes ${p.pause.pageAfterSeconds / 60} for up to maxHours ${p.pause.maxSeconds / 3600})` : '0 pauses',
      lower: 'allow fewer pauses or raise cutover.pause.pageAfterMinutes',
    },
    { events: gateEvents(p.approvals), what: `${p.approvals?.at.length ?? 0} approval gates (approvals.timeoutMinutes ${(p.approvals?.timeoutSeconds ?? 0) / 60}, onTimeout ${p.approvals?.onTimeout ?? '-'})`, lower: 'use fewer approval gates or a longer approvals.timeoutMinutes' },
  ].sort((a, b) => b.events - a.events);
  const start = 2 + 3 * EVENTS.task + EVENTS.choice; // execution started/ended, ValidateInput, AcquireLock, Preflight, Go?
  const backup = s.backupDeadlineSeconds > 0 ? EVENTS.task + EVENTS.choice : 0; // TakeBackup, BackupReady?
  const deploy = 2 * EVENTS.task + EVENTS.choice; // DeployIdle, SmokeTest, DryRun?
  const maintenance = EVENTS.choice + (p.maintenance ? 2 * EVENTS.task + EVENTS.choice + (p.dataSync ? SYNC_STAGE_EVENTS : 0) : 0);
  const steps = p.steps.length * (EVENTS.task + 2 * EVENTS.choice); // ShiftTraffic, MaintenanceStillOn?, MoreSteps?
  const historyEvents = start + backup + deploy + maintenance + steps + EVENTS.task + TAIL_EVENTS + parts.reduce((n, x) => n + x.events, 0);

  const rampSeconds = p.steps.length * (TASK_SECONDS.shift + looks * (p.bakeSeconds + TASK_SECONDS.checkStep));
  // Ticks follow the clock from promotion, so slow ticks do not add up: the window, one tick and its last wait.
  const watchSeconds = p.watchWindowSeconds + TASK_SECONDS.watchTick + 1;
  const durationSeconds = rampSeconds + watchSeconds + longestGateWaitSeconds(p.approvals) + (p.pause?.maxSeconds ?? 0) + fixedSeconds({ ...s, syncStageSeconds: p.dataSync ? s.syncStageSeconds : 0 });
  return { historyEvents, rampSeconds, watchSeconds, durationSeconds, parts };
}

const hours = (seconds: number) => `${Math.round((seconds / 3600) * 10) / 10} h`;

/**
 * What keeps a plan from fitting one execution, each problem saying what to
 * lower; empty when it fits.
 */
export function planLimitProblems(p: PlanShape, s: Stages): string[] {
  const c = planCost(p, s);
  const problems: string[] = [];
  if (c.historyEvents > HISTORY_EVENT_BUDGET) {
    const big = c.parts.filter((x) => x.events > 0);
    problems.push(
      `its longest run records about ${c.historyEvents} Step Functions history events, above the ${HISTORY_EVENT_BUDGET} a cutover may use (an execution stops at ${HISTORY_EVENT_LIMIT}, skipping rollback): ` +
        `${big.map((x) => `${x.events} from ${x.what}`).join(', ')}; ${big[0].lower}`,
    );
  }
  if (c.rampSeconds + c.watchSeconds > RAMP_AND_WATCH_BUDGET_SECONDS) {
    const room = RAMP_AND_WATCH_BUDGET_SECONDS - c.rampSeconds - TASK_SECONDS.watchTick - 1;
    problems.push(
      `its ramp can take ${hours(c.rampSeconds)} (${p.steps.length} steps, each up to ${looksFor(p.bakeSeconds, p.judge.maxBakeSeconds)} bakes of ${p.bakeSeconds} s and their checks) and its watch window ${hours(p.watchWindowSeconds)}: ` +
        `${hours(c.rampSeconds + c.watchSeconds)}, above the ${hours(RAMP_AND_WATCH_BUDGET_SECONDS)} a cutover may take before the state machine's timeout (which skips rollback); ` +
        (room > 0 ? `lower watchWindowHours to at most ${Math.floor((room / 3600) * 10) / 10}, or ` : '') +
        'use fewer steps, a shorter bakeSeconds or a lower judge.maxBakeSeconds',
    );
  }
  const gates = longestGateWaitSeconds(p.approvals);
  if (gates > APPROVAL_BUDGET_SECONDS) {
    problems.push(
      `its ${p.approvals!.at.length} approval gates can wait ${hours(gates)} together (approvals.timeoutMinutes ${p.approvals!.timeoutSeconds / 60}${p.approvals!.onTimeout === 'hold' ? `, held up to approvals.holdMaxHours ${p.approvals!.holdMaxSeconds / 3600}` : ''}), ` +
        `above the ${hours(APPROVAL_BUDGET_SECONDS)} the state machine's timeout leaves for them (a timeout skips rollback); use fewer gates or a shorter approvals.timeoutMinutes`,
    );
  }
  return problems;
}

/** History events of a plan's gates at their worst: each gate's wait, and with hold every round of paging and waiting again. */
function gateEvents(a: PlanApprovals | undefined): number {
  if (!a) return 0;
  const rounds = a.onTimeout === 'hold' ? ceilDiv(a.holdMaxSeconds, a.timeoutSeconds) + 1 : 1;
  // The gate Task (entered, scheduled, started, submitted, succeeded or timed out, exited), the timeout Task and its Choice.
  return a.at.length * rounds * (6 + EVENTS.task + EVENTS.choice);
}

/**
 * History events of a plan's pauses at their worst: each pause's extra step
 * check, Choice and wait, and a page-and-wait-again round every
 * pageAfterSeconds of the longest total pause.
 */
function pauseEvents(p: PlanPause | undefined): number {
  if (!p) return 0;
  // The pause Task (entered, scheduled, started, submitted, succeeded or timed out, exited); its overdue Task.
  const wait = 6;
  const rounds = ceilDiv(p.maxSeconds, p.pageAfterSeconds) + p.maxPauses;
  return p.maxPauses * (EVENTS.task + EVENTS.choice + wait) + rounds * (wait + EVENTS.task);
}

/** The stages of the environment a function runs in, from its settings. */
export function stagesFromSettings(s: {
  readonly defaults: { readonly idleDeadlineSeconds: number };
  readonly database?: { readonly snapshotDeadlineMinutes: number };
  readonly dataSync?: { readonly sync: { readonly timeoutSeconds: number }; readonly validation?: { readonly timeoutSeconds: number } };
  readonly deregistrationDelaySeconds: number;
}): Stages {
  return {
    idleDeadlineSeconds: s.defaults.idleDeadlineSeconds,
    backupDeadlineSeconds: (s.database?.snapshotDeadlineMinutes ?? 0) * 60,
    syncStageSeconds: s.dataSync ? syncStageSeconds(s.dataSync) : 0,
    deregistrationDelaySeconds: s.deregistrationDelaySeconds,
  };
}
