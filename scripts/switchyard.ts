/**
 * Operator commands against a deployed environment:
 *
 *   npm run cutover -- start --input '{"image":"repo/app:1.2.3","reason":"release 1.2.3"}' [--env production]
 *   npm run cutover -- status [EXECUTION_ARN]
 *   npm run cutover -- approve [--reason "..."] [--execution ARN] [--gate NAME]   (resolve the gate the running cutover waits at)
 *   npm run cutover -- reject --reason "..." [--execution ARN] [--gate NAME]      (rolls back; before the first shift, puts the idle color back)
 *   npm run cutover -- pause --reason "..." [--execution ARN]   (hold the ramp at its verified weights at the end of the current bake; alarms stay armed)
 *   npm run cutover -- resume [--reason "..."] [--execution ARN]
 *   npm run rollback -- --reason "checkout errors" [--target blue]
 *   npm run ledger [-- --limit 50]
 *   npm run maintenance:on -- --reason "final data sync"      (off after its maximum, 60 s by default)
 *   npm run maintenance:off
 *   npm run cutover -- judge --since 2h [--input '{...}']     (calibrate the judge on the live color's own history)
 *
 * --local runs start, rollback or judge against the offline rehearsal setup
 * (moto on loopback, built from the synthesized templates) instead of AWS;
 * that environment lives for one command, so `start --local` prints its
 * ledger at the end and answers its gates from --operator
 * '[{"at": "gate:1", "do": "approve", "reason": "..."}]', and `judge --local`
 * lets simulated users (--rate a minute, 1,000 by default) come for the
 * --since window first.
 *
 * ARNs and table names come from the stacks' outputs; --state-machine-arn,
 * --rollback-arn and --ledger-table override them.
 */
// First: the handlers' logger reads its level when it is created, and this command prints its own output.
import '../rehearsal/quiet';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import binomial = require('@stdlib/random-base-binomial');
import mt19937 = require('@stdlib/random-base-mt19937');
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { userInfo } from 'os';
import { parseArgs } from 'util';
import { cutoverInputSchema } from '../lambda/shared/input';
import { history, LedgerEntry } from '../lambda/shared/adapters/ledger';
import { colorMinutes } from '../lambda/shared/adapters/cloudwatch';
import { readState } from '../lambda/shared/adapters/state';
import { calibrate, Calibration, Randomness } from '../lambda/shared/decisions/calibration';
import { describeStep } from '../lambda/shared/decisions/canaryEvidence';
import { ProportionVerdict } from '../lambda/shared/decisions/judge';
import { BUNDLED_SETTINGS, parseSettings, Settings } from '../lambda/shared/settings';
import { explain, planFrom } from '../lambda/validate-input';
import { loadConfig } from '../lib/config/load';
import { ResourceNames } from '../lib/naming';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Validates a cutover input locally, with the same schema and words as the state machine. */
export function checkInput(text: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--input is not JSON: ${(e as Error).message}`);
  }
  const r = cutoverInputSchema.safeParse(raw);
  if (!r.success) throw new UsageError(explain(r.error.issues));
  return raw;
}

/** One line per ledger entry: time, type, execution, and what happened. */
export function formatLedger(entries: readonly LedgerEntry[]): string {
  if (entries.length === 0) return '(no ledger entries)';
  const rows = entries.map((e) => [new Date(e.atMs).toISOString(), e.type, e.executionId.split(':').pop() ?? e.executionId, summarize(e)]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['time', 'event', 'execution'][i].length));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ');
  return [line(['time', 'event', 'execution', 'detail']), ...rows.map(line)].join('\n');
}

function summarize(e: LedgerEntry): string {
  const d = e.detail as Record<string, any>;
  switch (e.type) {
    case 'started':
      return `${d.from} -> ${d.to}: ${d.plan?.reason ?? ''} (steps ${JSON.stringify(d.plan?.steps)})`;
    case 'preflight':
      return d.summary ?? (d.go ? 'go' : `no-go: ${(d.reasons ?? []).join('; ')}`);
    case 'weights':
      return `step ${d.step}/${d.of}: set blue=${d.set?.blue} green=${d.set?.green}, read back blue=${d.readBack?.blue} green=${d.readBack?.green}`;
    case 'bake':
      return `step ${d.step}: alarm ${d.alarm}, ${d.requests ?? 'no'} requests, ${d.verdict?.ok ? 'pass' : `fail (${d.verdict?.reason})`}`;
    case 'rollback':
      return `to ${d.target} (${d.trigger}) in ${d.elapsedMs} ms${d.scaledUp ? ', scaled up first' : ''}: ${d.reason}`;
    case 'smoke':
      return `${d.ok ? 'pass' : 'FAIL'}: ${(d.checks ?? []).map((c: any) => `${c.name} ${c.ok ? 'ok' : c.failures.join(', ')}`).join('; ')}`;
    case 'finished':
      return `${d.outcome}${d.error ? `: ${d.error.Error}` : ''}`;
    case 'gate-opened':
      return `${d.gate} waits${d.step ? ` at step ${d.step.number}/${d.step.of} (${d.step.percent}%)` : ''} until ${d.waitsUntil}, then ${d.onTimeout}`;
    case 'approved':
    case 'rejected':
      return `${d.gate} by ${d.approver}${d.reason ? `: ${d.reason}` : ''}${d.note ? ` (${d.note})` : ''}`;
    case 'approval-refused':
      return `${d.action} by ${d.approver} refused, ${d.error}: ${d.message}`;
    case 'gate-held':
    case 'gate-timed-out':
      return `${d.gate} after ${d.waitedMinutes} min: ${d.reason}`;
    case 'paused':
      return `by ${d.by}: ${d.reason}`;
    case 'pause-holding':
      return `holding${d.step ? ` at step ${d.step.number}/${d.step.of} (${d.step.percent}%)` : ''}, read back blue=${d.weightsReadBack?.blue} green=${d.weightsReadBack?.green}`;
    case 'pause-overdue':
      return `${d.action === 'rollback' ? 'rolling back' : 'paged'}: ${d.reason}`;
    case 'resumed':
      return `by ${d.by} after ${d.pausedMinutes} min${d.reason ? `: ${d.reason}` : ''}`;
    case 'pause-refused':
      return `${d.action} by ${d.by} refused, ${d.error}: ${d.message}`;
    default:
      return JSON.stringify(d).slice(0, 160);
  }
}

/** `90m`, `2h`, `1d`: the history `judge` calibrates on, from 10 minutes to 7 days. */
export function parseSince(text: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : NaN;
  if (!(ms >= 600_000 && ms <= 7 * 86_400_000)) throw new UsageError(`--since is a duration such as 90m, 2h or 1d, from 10m to 7d; got "${text}"`);
  return ms;
}

/** Seeded randomness for the replays: the same history and seed print the same figures. */
export function seededRandomness(seed: number): Randomness {
  const draw = binomial.factory({ seed });
  const uint32 = mt19937.factory({ seed: seed + 1 });
  return { binomial: (n, p) => draw(n, p), uniform: () => uint32() / 2 ** 32 };
}

/** Replays per calibration, and their seed. */
export const CALIBRATION_TRIALS = 2000;
export const CALIBRATION_SEED = 1;

/**
 * The judge run on the live color's own history (A/A): the last `sinceMs` of
 * complete minutes, the plan a cutover with `input` would run (the
 * environment's steps, bake and judge when none is given).
 */
export async function calibrateLive(s: Settings, sinceMs: number, input?: unknown, nowMs = Date.now()): Promise<{ calibration: Calibration; live: string; latencyThresholdSeconds: number }> {
  const parsed = cutoverInputSchema.safeParse(input ?? { reason: 'judge calibration' });
  if (!parsed.success) throw new UsageError(explain(parsed.error.issues));
  const plan = planFrom(parsed.data, s.defaults, s.dataSync !== undefined);
  const live = (await readState(s.parameters)).liveColor;
  const endMs = Math.floor((nowMs - plan.judge.metricDelaySeconds * 1000) / 60_000) * 60_000;
  const startMs = endMs - Math.round(sinceMs / 60_000) * 60_000;
  const points = await colorMinutes(s.listenerArn, s.colors[live].targetGroupArn, startMs, endMs, plan.judge.latencyThresholdSeconds);
  const calibration = calibrate(points, startMs, endMs, { steps: plan.steps, bakeSeconds: plan.bakeSeconds, maxBakeSeconds: plan.judge.maxBakeSeconds, metricDelaySeconds: plan.judge.metricDelaySeconds, settings: plan.judge }, CALIBRATION_TRIALS, seededRandomness(CALIBRATION_SEED));
  return { calibration, live, latencyThresholdSeconds: plan.judge.latencyThresholdSeconds };
}

const pp = (p: number) => `${p >= 0 ? '+' : ''}${(100 * p).toFixed(2)} pp`;
const pc = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : '-');
const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** What `npm run cutover -- judge` prints. */
export function formatCalibration(c: Calibration, meta: { service: string; environment: string; live: string; latencyThresholdSeconds: number }): string {
  const p = c.plan;
  const s = p.settings;
  const t = c.traffic;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  const out: string[] = [];
  out.push(`judge calibration: ${meta.service}-${meta.environment}, ${meta.live} live, ${iso(c.window.startMs)} to ${iso(c.window.endMs)}`);
  out.push(`  ${c.window.minutes} complete minutes (${c.window.reportedMinutes} with requests; minutes newer than judge.metricDelaySeconds, ${p.metricDelaySeconds} s, left out)`);
  out.push(`  plan: steps ${p.steps.join('/')}, bake ${p.bakeSeconds} s, up to ${p.maxLooks} look${p.maxLooks === 1 ? '' : 's'} a step (judge.maxBakeSeconds ${p.maxBakeSeconds} s); ${100 * s.confidence}% one-sided a step, ${(100 * p.perLookConfidence).toFixed(2)}% a look; margin ${s.errorMarginPercentPoints} pp` +
    `${s.ruleOutPercentPoints !== undefined ? `, rule out ${s.ruleOutPercentPoints} pp` : ''}, at least ${s.minRequestsPerColor} requests a color, ceiling ${s.ceilingPercent}%`);
  out.push(`  traffic: ${count(t.requests)} requests (${t.requestsPerMinute.toFixed(1)} a minute), ${pc(t.failed, t.requests)} failed, ${pc(t.slow, t.requests)} slow (slower than ${meta.latencyThresholdSeconds} s)`);
  out.push('');
  const v = c.timeSplit.verdict;
  const side = (x: { requests: number; failed: number; slow: number }) => `${count(x.requests)} requests, ${count(x.failed)} failed (${pc(x.failed, x.requests)}), ${count(x.slow)} slow (${pc(x.slow, x.requests)})`;
  out.push(`A/A in time: the first ${c.timeSplit.first.minutes} minutes as the old color, the last ${c.timeSplit.second.minutes} as the new, one look: ${v.decision}${v.error ? ` (${v.error})` : ''}`);
  out.push(`  old ${side(v.counts.old)}`);
  out.push(`  new ${side(v.counts.new)}`);
  for (const x of v.proportions as ProportionVerdict[]) out.push(`  ${x.metric.padEnd(6)} difference ${pp(x.difference)}, bounds ${pp(x.lower)} to ${pp(x.upper)}: ${x.outcome}`);
  out.push(`  ${v.reason}`);
  out.push('  (a difference here is drift between the halves, which a real step, both colors on the same minutes, does not see)');
  out.push('');
  const f = c.falseRollbacks;
  const errors = Object.entries(f.byError).map(([k, n]) => `${k} ${n}`).join(', ');
  out.push(`false rollbacks: ${count(f.rolledBack)} of ${count(f.trials)} replays of the ramp, ${(100 * f.rate).toFixed(2)}% (95% interval ${(100 * f.interval.lower).toFixed(2)}% to ${(100 * f.interval.upper).toFixed(2)}%)${errors ? `: ${errors}` : ''}; ${count(f.rolledBackAtFirstStep)} at the first step`);
  out.push(`  ran out of looks for lack of traffic (InsufficientTraffic): ${count(f.insufficientTraffic)}; promoted: ${count(f.passed)}`);
  out.push('  each replay runs the plan\'s steps in order; a step starts at a random minute of this history (wrapping at its end), its k-th look');
  out.push('  judges the complete minutes k bakes after the shift, every one of those minutes\' requests (and failed and slow ones) split at');
  out.push('  random between the colors at the step\'s share, as the load balancer routes them; the judge decides as the step check does');
  out.push(`  (rollback alarm OK, every target healthy). Both sides are this one color, so every rollback is false. Seed ${CALIBRATION_SEED}.`);
  out.push('');
  if (c.detectable) {
    const d = c.detectable;
    const row = (label: string, x: typeof d.oneBake) =>
      `  ${label}: ${x.minutes} complete minute${x.minutes === 1 ? '' : 's'}, ~${count(x.requests.new)} new / ~${count(x.requests.old)} old requests: failed +${x.failedDetectablePercentPoints.toFixed(2)} pp, slow +${x.slowDetectablePercentPoints.toFixed(2)} pp` +
      ` (A/A bounds ${x.failedPercentPoints.toFixed(2)} and ${x.slowPercentPoints.toFixed(2)} pp)`;
    out.push(`smallest degradation the first step (${d.oneBake.percent}%) can tell from noise, at this traffic:`);
    out.push(row(`after one bake (${p.bakeSeconds} s)`, d.oneBake));
    out.push(row(`at the longest bake (${p.maxLooks * p.bakeSeconds} s)`, d.longest));
    out.push(`  the upper bound of the A/A interval at the per-look confidence, or the ${s.errorMarginPercentPoints} pp margin when larger: a smaller regression`);
    out.push('  cannot be told from noise at that evidence; only one clearly larger is caught reliably');
    out.push('');
  }
  out.push('each step at this rate:');
  for (const st of c.evidence.steps) out.push(`  ${st.step}: ${describeStep(st, c.evidence)}`);
  return out.join('\n');
}

/** What `approve` or `reject` sends the gate function; a reject needs a reason. */
export function answerRequest(command: 'approve' | 'reject', approver: string, values: { reason?: string; execution?: string; gate?: string }): Record<string, string> {
  if (command === 'reject' && !values.reason) throw new UsageError('reject needs --reason "why": it goes into the ledger and the rollback');
  if (values.reason !== undefined && values.reason.trim().length < 3) throw new UsageError('--reason says why, in a few words');
  return { action: command, approver, ...(values.reason ? { reason: values.reason } : {}), ...(values.execution ? { executionId: values.execution } : {}), ...(values.gate ? { gate: values.gate } : {}) };
}

/** What `pause` or `resume` sends the pause function; a pause needs a reason. */
export function pauseRequest(command: 'pause' | 'resume', by: string, values: { reason?: string; execution?: string }): Record<string, string> {
  if (command === 'pause' && !values.reason) throw new UsageError('pause needs --reason "why": it goes into the ledger and the notification');
  if (values.reason !== undefined && values.reason.trim().length < 3) throw new UsageError('--reason says why, in a few words');
  return { action: command, by, ...(values.reason ? { reason: values.reason } : {}), ...(values.execution ? { executionId: values.execution } : {}) };
}

/** The pause function's answer to pause or resume, or its refusal (NotRamping, AlreadyPaused...) in words: a refusal changed nothing. */
export function formatPauseAnswer(command: string, body: string, functionError?: string): string {
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (functionError) return `${command} refused${parsed?.errorType ? ` (${parsed.errorType})` : ''}: ${parsed?.errorMessage ?? body}`;
  if (parsed?.action === 'pause') return `paused ${parsed.executionId}: the ramp holds at the end of the current bake, at the weights read back then; rollback alarms stay armed; resume with npm run cutover -- resume`;
  return `resumed ${parsed?.executionId} after ${Math.round((parsed?.pausedSeconds ?? 0) / 60)} minutes paused`;
}

/**
 * The pause line of `status`, from the state the execution is in: held at
 * Paused, its input's step check says who paused, when and why, and the
 * weights it holds. Read from the execution's history, which operators and
 * approvers may both read. Undefined in any other state.
 */
export function formatPauseStatus(entered: { name?: string; input?: string } | undefined, nowMs = Date.now()): string | undefined {
  if (entered?.name !== 'Paused' || !entered.input) return undefined;
  let state: any;
  try {
    state = JSON.parse(entered.input);
  } catch {
    return undefined;
  }
  const c = state?.check;
  if (!c?.paused || typeof c.pausedAtMs !== 'number') return undefined;
  const w = state?.ramp?.weights;
  const minutes = Math.round((nowMs - c.pausedAtMs) / 60_000);
  return `PAUSED since ${new Date(c.pausedAtMs).toISOString()} (${minutes} min) by ${c.pausedBy}: ${c.pauseReason ?? ''}; holding${w ? ` at blue=${w.blue} green=${w.green}` : ''}${state?.ramp ? `, step ${state.ramp.index + 1}` : ''} (npm run cutover -- resume)`;
}

/** The gate function's answer, or its refusal (NoGateWaiting, StaleApproval...) in words: a refusal changed nothing. */
export function formatAnswer(command: string, body: string, functionError?: string): string {
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (functionError) return `${command} refused${parsed?.errorType ? ` (${parsed.errorType})` : ''}: ${parsed?.errorMessage ?? body}`;
  return `${parsed?.action === 'approve' ? 'approved' : 'rejected'} ${parsed?.gate} of ${parsed?.executionId} as ${parsed?.approver}${parsed?.note ? ` (${parsed.note})` : ''}`;
}

/**
 * Invokes a control-stack function as the caller: the request names the
 * caller's identity (sts:GetCallerIdentity), the answer or refusal is printed,
 * and a refusal exits 1.
 */
async function invokeAsCaller(
  functionName: () => Promise<string>,
  request: (callerArn: string) => Record<string, string>,
  format: (body: string, functionError?: string) => string,
  print: (s: string) => void,
): Promise<number> {
  const arn = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn;
  if (!arn) throw new Error('sts:GetCallerIdentity returned no ARN');
  const payload = request(arn);
  const r = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: await functionName(), Payload: Buffer.from(JSON.stringify(payload)) }));
  print(format(r.Payload ? Buffer.from(r.Payload).toString('utf8') : '', r.FunctionError));
  return r.FunctionError ? 1 : 0;
}

async function outputs(stack: string): Promise<Record<string, string>> {
  const r = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stack }));
  return Object.fromEntries((r.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

export async function main(argv: string[], print: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string', default: 'dev' },
      input: { type: 'string' },
      reason: { type: 'string' },
      target: { type: 'string' },
      limit: { type: 'string', default: '200' },
      name: { type: 'string' },
      'state-machine-arn': { type: 'string' },
      'rollback-arn': { type: 'string' },
      'ledger-table': { type: 'string' },
      local: { type: 'boolean', default: false },
      since: { type: 'string', default: '2h' },
      rate: { type: 'string', default: '1000' },
      execution: { type: 'string' },
      gate: { type: 'string' },
      operator: { type: 'string' },
    },
  });
  const [command, arg] = positionals;
  if (values.local) return local(command, values, print);
  const config = loadConfig(values.env!);
  const names = ResourceNames.of(config.service.name, config.environment);
  const sfn = new SFNClient({});
  const control = async (key: string, flag: string | undefined) => flag ?? (await outputs(names.stack('control')))[key];

  switch (command) {
    case 'start': {
      if (!values.input) throw new UsageError('start needs --input \'{"image": "...", "reason": "..."}\'');
      const raw = checkInput(values.input) as Record<string, unknown>;
      // Who starts it, for requireDistinctApprover: the identity these credentials are.
      const input = { ...raw, startedBy: (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn };
      const arn = await control('CutoverStateMachineArn', values['state-machine-arn']);
      const r = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: values.name, input: JSON.stringify(input) }));
      print(`started ${r.executionArn}\nfollow it with: npm run cutover -- status ${r.executionArn} --env ${values.env}`);
      return 0;
    }
    case 'status': {
      const latest = async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: await control('CutoverStateMachineArn', values['state-machine-arn']), maxResults: 1 }))).executions?.[0]?.executionArn;
      const arn = arg ?? (await latest());
      if (!arn) throw new UsageError('no execution found; give its ARN');
      const started = Date.now();
      for (;;) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 20 }));
        const entered = h.events?.find((e) => e.type?.endsWith('StateEntered'));
        const state = entered?.stateEnteredEventDetails?.name ?? '-';
        print(`[${Math.round((Date.now() - started) / 1000)}s] ${d.status} at ${state}`);
        const line = d.status === 'RUNNING' ? formatPauseStatus(entered?.stateEnteredEventDetails) : undefined;
        if (line) print(`  ${line}`);
        if (d.status !== 'RUNNING') {
          if (d.error) print(`${d.error}: ${d.cause ?? ''}`);
          return d.status === 'SUCCEEDED' ? 0 : 1;
        }
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    case 'approve':
    case 'reject':
      return invokeAsCaller(() => control('GateFunctionName', undefined), (arn) => answerRequest(command, arn, values), (body, error) => formatAnswer(command, body, error), print);
    case 'pause':
    case 'resume':
      return invokeAsCaller(() => control('PauseFunctionName', undefined), (arn) => pauseRequest(command, arn, values), (body, error) => formatPauseAnswer(command, body, error), print);
    case 'rollback': {
      if (!values.reason) throw new UsageError('rollback needs --reason "why"');
      if (values.target && !['blue', 'green'].includes(values.target)) throw new UsageError('--target is blue or green');
      const arn = await control('RollbackStateMachineArn', values['rollback-arn']);
      const r = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ reason: values.reason, ...(values.target ? { target: values.target } : {}) }) }));
      print(`rollback started ${r.executionArn}`);
      return 0;
    }
    case 'ledger': {
      const table = values['ledger-table'] ?? (await outputs(names.stack('state'))).LedgerTableName;
      print(formatLedger(await history(table, `${config.service.name}#${config.environment}`, Number(values.limit))));
      return 0;
    }
    case 'judge': {
      const sinceMs = parseSince(values.since!);
      const input = values.input ? checkInput(values.input) : undefined;
      // The settings the handlers run with: the pre-flight function's environment, and the settings
      // compiled into its bundle (BUNDLED_SETTINGS), as this config synthesizes them.
      const fn = await new LambdaClient({}).send(new GetFunctionConfigurationCommand({ FunctionName: names.lambdaFunction('preflight') }));
      const s = parseSettings(fn.Environment?.Variables ?? {}, undefined, bundledSettingsOf(values.env!));
      const { calibration, live, latencyThresholdSeconds } = await calibrateLive(s, sinceMs, input);
      print(formatCalibration(calibration, { service: s.service, environment: s.environment, live, latencyThresholdSeconds }));
      return 0;
    }
    case 'maintenance': {
      if (arg !== 'on' && arg !== 'off') throw new UsageError('usage: npm run maintenance:on -- --reason "why", or npm run maintenance:off');
      if (arg === 'on' && !values.reason) throw new UsageError('maintenance on needs --reason "why"');
      const payload = arg === 'on' ? { action: 'on', reason: values.reason, by: userInfo().username } : { action: 'off', by: userInfo().username };
      const r = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: names.lambdaFunction('maintenance'), Payload: Buffer.from(JSON.stringify(payload)) }));
      const body = r.Payload ? Buffer.from(r.Payload).toString('utf8') : '';
      if (r.FunctionError) throw new Error(`maintenance ${arg} failed: ${body}`);
      print(`maintenance ${arg}: ${body}`);
      return 0;
    }
    default:
      throw new UsageError('usage: npm run cutover -- start|status|pause|resume|rollback|ledger|approve|reject|maintenance|judge [--env NAME] (see scripts/switchyard.ts)');
  }
}

/** The settings `cdk synth` compiles into the functions' bundles for environment `env` (synthesized without bundling). */
export function bundledSettingsOf(env: string): Record<string, string> {
  const { synthesizedApp } = require('../rehearsal/app') as typeof import('../rehearsal/app');
  const all = synthesizedApp(env).handlerEnv;
  return Object.fromEntries(BUNDLED_SETTINGS.filter((k) => k in all).map((k) => [k, all[k]]));
}

/** start, rollback or judge against a throwaway rehearsal environment. */
async function local(command: string | undefined, values: { input?: string; reason?: string; target?: string; env?: string; since?: string; rate?: string; operator?: string }, print: (s: string) => void): Promise<number> {
  if (command === 'approve' || command === 'reject' || command === 'pause' || command === 'resume') {
    throw new UsageError(
      `the local environment lives for one command, so ${command} --local has nothing to act on: give start --local the approvals, e.g. --operator '[{"at": "gate:1", "do": "approve", "reason": "looks good"}]', or rehearse pauses in a drill (npm run rehearse -- --drill FILE, operator at "minute:M")`,
    );
  }
  if (command !== 'start' && command !== 'rollback' && command !== 'judge') throw new UsageError('--local works with start, rollback and judge: the local environment lives for one command (start --local prints its ledger)');
  if (command === 'judge') return localJudge(values, print);
  const input = command === 'start' ? checkInput(values.input ?? '') : { reason: values.reason, ...(values.target ? { target: values.target } : {}) };
  if (command === 'rollback' && !values.reason) throw new UsageError('rollback needs --reason "why"');
  const { Moto } = require('../rehearsal/moto') as typeof import('../rehearsal/moto');
  const { World } = require('../rehearsal/world') as typeof import('../rehearsal/world');
  const { runStateMachine } = require('../rehearsal/run') as typeof import('../rehearsal/run');
  const operator = new (require('../rehearsal/operator') as typeof import('../rehearsal/operator')).Operator(parseOperator(values.operator), () => undefined);
  const moto = await Moto.start();
  const world = new World(moto.endpoint, { env: values.env });
  try {
    await world.build();
    print(`local ${values.env} environment on ${moto.endpoint}: blue live with ${world.desired} tasks, green idle`);
    await world.pushRelease(input);
    const started = performance.now();
    // Simulated users (1,000 healthy requests a minute) and the alarms as synthesized, in simulated time.
    const r = await runStateMachine(input, world.runOptions({
      machine: command === 'start' ? 'cutover' : 'rollback',
      after: async (state) => {
        const w = await world.observeWeights();
        print(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${state.padEnd(24)} blue=${w.blue} green=${w.green}`);
      },
      onGateOpened: async (gate, n) => {
        print(`gate ${n} (${gate}) waits for approval`);
        await operator.gateOpened(n);
      },
    }));
    for (const o of operator.results) print(`operator ${o.at} ${o.do}: ${o.result}${o.message ? ` (${o.message})` : ''}`);
    print(`${r.status}${r.error ? ` ${r.error}: ${r.cause ?? ''}` : ''}`);
    print(formatLedger(await world.ledger()));
    return r.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await world.close();
    await moto.stop();
  }
}

/** `--operator` of `start --local`: approvals and rejects at gates, as in a drill file. */
export function parseOperator(text: string | undefined): import('../rehearsal/operator').OperatorAction[] {
  if (!text) return [];
  const { operatorActionSchema } = require('../rehearsal/drills/schema') as typeof import('../rehearsal/drills/schema');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--operator is not JSON: ${(e as Error).message}`);
  }
  const r = operatorActionSchema.array().safeParse(raw);
  if (!r.success) throw new UsageError(`--operator: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (r.data.some((a) => a.do === 'pause' || a.do === 'resume')) throw new UsageError('--operator with start --local answers gates; pause and resume act at minutes: rehearse them in a drill (npm run rehearse -- --drill FILE)');
  if (r.data.some((a) => a.at.startsWith('minute:'))) throw new UsageError('--operator with start --local acts at gates ("gate:N"); minute actions need a drill (npm run rehearse -- --drill FILE)');
  return r.data;
}

/**
 * `judge --local`: a fresh rehearsal environment whose simulated users (`--rate`
 * healthy requests a minute, the environment's error rate and latency
 * defaults) come for the `--since` window, then the same calibration as
 * against AWS, on the metrics the simulation published.
 */
async function localJudge(values: { input?: string; env?: string; since?: string; rate?: string }, print: (s: string) => void): Promise<number> {
  const sinceMs = parseSince(values.since ?? '2h');
  const rate = Number(values.rate ?? '1000');
  if (!(rate > 0 && rate <= 100_000)) throw new UsageError(`--rate is simulated requests a minute, from 1 to 100000; got "${values.rate}"`);
  const input = values.input ? checkInput(values.input) : undefined;
  const { Moto } = require('../rehearsal/moto') as typeof import('../rehearsal/moto');
  const { World } = require('../rehearsal/world') as typeof import('../rehearsal/world');
  const { HEALTHY, trafficSchema } = require('../rehearsal/traffic/schema') as typeof import('../rehearsal/traffic/schema');
  const { settings } = require('../lambda/shared/settings') as typeof import('../lambda/shared/settings');
  const moto = await Moto.start();
  const traffic = trafficSchema.parse({ requestsPerMinute: rate });
  const world = new World(moto.endpoint, { env: values.env, traffic });
  try {
    await world.build();
    print(`local ${values.env} environment on ${moto.endpoint}: blue live, ${rate} healthy requests a minute (${traffic.errorRatePercent ?? HEALTHY.errorRatePercent}% failing, p95 ${traffic.p95Seconds ?? HEALTHY.p95Seconds} s, seed ${traffic.seed}); ${Math.round(sinceMs / 60_000)} simulated minutes pass first`);
    await world.passTime(sinceMs);
    const { calibration, live, latencyThresholdSeconds } = await calibrateLive(settings(), sinceMs, input, Date.now());
    print(formatCalibration(calibration, { service: world.service, environment: world.environment, live, latencyThresholdSeconds }));
    return 0;
  } finally {
    await world.close();
    await moto.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof UsageError ? e.message : e);
      process.exit(2);
    },
  );
}
