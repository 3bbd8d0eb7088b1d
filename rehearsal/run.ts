import './polyfill';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { StateMachine } from 'aws-local-stepfunctions';
import { sdkClient } from '../lambda/shared/adapters/clients';
import { synthesizedApp, SynthesizedApp } from './app';
import { VirtualClock } from './clock';
import { processSlot } from './process-slot';
import { TaskTokenDesk } from './tokens';

type Handler = (event: unknown) => Promise<unknown>;

/** Handlers by task folder, loaded as the Lambda runtime would load them. */
const HANDLERS: Record<string, () => Handler> = {
  'validate-input': () => require('../lambda/validate-input').handler,
  lock: () => require('../lambda/lock').handler,
  preflight: () => require('../lambda/preflight').handler,
  'deploy-idle': () => require('../lambda/deploy-idle').handler,
  'smoke-test': () => require('../lambda/smoke-test').handler,
  traffic: () => require('../lambda/traffic').handler,
  promote: () => require('../lambda/promote').handler,
  watch: () => require('../lambda/watch').handler,
  'scale-down': () => require('../lambda/scale-down').handler,
  backup: () => require('../lambda/backup').handler,
  maintenance: () => require('../lambda/maintenance').handler,
  'data-sync': () => require('../lambda/data-sync').handler,
  rollback: () => require('../lambda/rollback').handler,
  'alarm-handler': () => require('../lambda/alarm-handler').handler,
  gate: () => require('../lambda/gate').handler,
  pause: () => require('../lambda/pause').handler,
};

export function taskHandler(task: string): Handler {
  const load = HANDLERS[task];
  if (!load) throw new Error(`no handler for task ${task}`);
  return load();
}

export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly cause?: string;
  readonly output?: any;
  /** States entered, in order. */
  readonly states: string[];
  /** State transitions (states entered), as Step Functions bills them. */
  readonly transitions: number;
}

export interface RunOptions {
  /** Runs before the named Task's handler, with the Task's input: where scenarios inject faults. */
  readonly before?: (state: string, input: any) => Promise<void>;
  /** Runs after the named Task's handler returned (with its output) or threw. */
  readonly after?: (state: string, ok: boolean, output?: unknown) => Promise<void>;
  /** Milliseconds each Wait state takes (the real ones are shortened). */
  readonly waitMs?: number;
  readonly executionName?: string;
  readonly machine?: 'cutover' | 'rollback';
  /** Called for every state entered (progress display). */
  readonly onState?: (name: string) => void;
  /** Moves by each Wait's real duration, so deadlines and windows pass as in AWS. */
  readonly clock?: VirtualClock;
  /**
   * Lets a Wait's duration pass in a simulated world (users, metrics, alarms),
   * instead of only moving `clock`.
   */
  readonly passTime?: (ms: number) => Promise<void>;
  /** The synthesized environment whose state machines run. */
  readonly app?: SynthesizedApp;
  /**
   * Runs an ECS RunTask (.sync) state (the data sync stage): gets the state's
   * name and parameters, returns the stopped task's description or throws as
   * Step Functions would.
   */
  readonly ecsTask?: (state: string, params: any) => Promise<unknown>;
  /**
   * Lambda Tasks bound to something else than their handler, by state name
   * (the bench's alarm-only baseline passes every step check).
   */
  readonly replaceTasks?: Readonly<Record<string, (input: any) => Promise<unknown>>>;
  /**
   * Called once a gate (a callback-pattern Task) has opened, with its name
   * and how many distinct gates opened so far, counting this one; where an
   * operator approves or rejects. While the gate waits, simulated time passes
   * a minute at a time until it is answered or its timeout runs out.
   */
  readonly onGateOpened?: (gate: string, n: number) => Promise<void>;
}

/** Seconds a Wait state lasts for this state's data (Seconds, or SecondsPath like $.a.b). */
function waitSeconds(wait: any, data: any): number {
  if (typeof wait.Seconds === 'number') return wait.Seconds;
  if (typeof wait.SecondsPath === 'string') {
    let v = data;
    for (const k of wait.SecondsPath.replace(/^\$\.?/, '').split('.').filter(Boolean)) v = v?.[k];
    return typeof v === 'number' ? v : 0;
  }
  return 0;
}

/** The value at a JSONPath such as $.a.b in `data`. */
function pathValue(path: string, data: any): unknown {
  let v = data;
  for (const k of String(path).replace(/^\$\.?/, '').split('.').filter(Boolean)) v = v?.[k];
  return v;
}

let runs = 0;
/** Definitions the state-machine library has already validated in this process (every test file of a jest worker). */
const validated = processSlot('validated-definitions', () => new Set<string>());

/** Runs a synthesized state machine offline, every Task bound to its real handler. */
export async function runStateMachine(input: unknown, o: RunOptions = {}): Promise<RunResult> {
  const defs = o.app ?? synthesizedApp();
  const rendered = o.machine === 'rollback' ? defs.definitions.rollback : defs.definitions.cutover;
  // Which Wait states lead into each Task: the clock jumps by their length before the Task runs.
  const waitsBefore: Record<string, any[]> = {};
  for (const st of Object.values(rendered.definition.States as Record<string, any>)) {
    if (st.Type === 'Wait' && st.Next) (waitsBefore[st.Next] ??= []).push(st);
  }
  const overrides: Record<string, (input: any) => Promise<any>> = {};
  /** Runs one Task's work between the scenario's before and after hooks. */
  const hooked = async (name: string, input: any, work: (input: any) => Promise<unknown>) => {
    await o.before?.(name, input);
    try {
      const out = await work(input);
      await o.after?.(name, true, out);
      return out;
    } catch (e) {
      await o.after?.(name, false);
      throw e;
    }
  };
  const walk = (states: Record<string, any>, fn: (name: string, st: any) => void) => Object.entries(states).forEach(([n, s]) => fn(n, s));
  const waits: Record<string, number> = {};
  // Retries keep their counts; only the pause between them is shortened.
  const retries: Record<string, number> = {};
  walk(rendered.definition.States, (name, st) => {
    if (st.Type === 'Wait') waits[name] = o.waitMs ?? 5;
    if (st.Retry) retries[name] = 1;
    if (st.Type !== 'Task') return;
    const fnName = rendered.taskFunctions[name];
    if (fnName && String(st.Resource).endsWith('.waitForTaskToken')) {
      const h = taskHandler(fnName.slice(defs.prefix.length + 1));
      overrides[name] = async (params) => hooked(name, params.Payload, (payload) => waitForToken(st, payload, h));
    } else if (fnName) {
      const task = fnName.slice(defs.prefix.length + 1);
      const h = o.replaceTasks?.[name] ?? taskHandler(task);
      overrides[name] = async (payload) => {
        const waited = Math.max(0, ...(waitsBefore[name] ?? []).map((w) => waitSeconds(w, payload.state ?? payload))) * 1000;
        if (o.passTime) await o.passTime(waited);
        else o.clock?.advance(waited);
        return hooked(name, payload, h);
      };
    } else if (String(st.Resource).includes(':ecs:runTask')) {
      overrides[name] = async (params) => {
        if (!o.ecsTask) throw new Error(`Task ${name} runs an ECS task; pass ecsTask to simulate it`);
        const ecsTask = o.ecsTask;
        return hooked(name, params, (p) => ecsTask(name, p));
      };
    } else if (String(st.Resource).includes(':sns:publish')) {
      // The native SNS integration: publish to the critical topic of this world.
      overrides[name] = async (payload) => {
        await o.before?.(name, payload);
        await sdkClient('sns', (c) => new SNSClient(c))().send(new PublishCommand({ TopicArn: process.env.CRITICAL_TOPIC_ARN, Subject: payload.Subject, Message: typeof payload.Message === 'string' ? payload.Message : JSON.stringify(payload.Message) }));
        return {};
      };
    } else {
      throw new Error(`Task ${name} has no local binding`);
    }
  });

  // Tokens of waiting gates; the handlers' SendTaskSuccess/SendTaskFailure settle them.
  const desk = new TaskTokenDesk().install();
  const gatesSeen: string[] = [];
  /** A callback Task: the handler stores the token; then simulated time passes until it is settled or times out. */
  const waitForToken = async (st: any, payload: any, h: Handler) => {
    const { token, settled, isSettled } = desk.issue();
    const timeoutMs = (typeof st.TimeoutSeconds === 'number' ? st.TimeoutSeconds : Number(pathValue(st.TimeoutSecondsPath, payload.state))) * 1000;
    const opened = o.clock?.now() ?? Date.now();
    try {
      const out = (await h({ ...payload, taskToken: token })) as { gate?: string } | undefined;
      // Approval gates name themselves; a held pause is no gate an operator's "gate:N" counts.
      const gate = out?.gate;
      if (gate !== undefined) {
        if (!gatesSeen.includes(gate)) gatesSeen.push(gate);
        await o.onGateOpened?.(gate, gatesSeen.indexOf(gate) + 1);
      }
    } catch (e) {
      desk.expire(token);
      throw e;
    }
    for (;;) {
      if (isSettled()) return settled;
      const left = opened + timeoutMs - (o.clock?.now() ?? Date.now());
      if (left <= 0) {
        desk.expire(token);
        throw Object.assign(new Error('the gate\'s wait timed out'), { name: 'States.Timeout' });
      }
      const step = Math.min(60_000, left);
      if (o.passTime) await o.passTime(step);
      else o.clock?.advance(step);
    }
  };

  // aws-local-stepfunctions reads TimeoutSecondsPath from the input after Parameters, Step Functions from the
  // state's input: the gate's path is pointed into its payload's copy of the state (the value is the same).
  // A JSON copy: structuredClone under jest makes objects of another realm, which the library takes for non-objects.
  const definition = JSON.parse(JSON.stringify(rendered.definition));
  walk(definition.States, (_name, st) => {
    if (st.Type === 'Task' && typeof st.TimeoutSecondsPath === 'string' && String(st.Resource).endsWith('.waitForTaskToken')) st.TimeoutSecondsPath = `$.Payload.state${st.TimeoutSecondsPath.slice(1)}`;
  });
  // The library validates a definition against the ASL schema each time (a few hundred ms): once per process is enough.
  const text = JSON.stringify(definition);
  const sm = new StateMachine(definition, { validationOptions: { checkArn: false, noValidate: validated.has(text) } });
  validated.add(text);
  const name = o.executionName ?? `rehearsal-${++runs}`;
  const machineName = `${defs.prefix}-${o.machine ?? 'cutover'}`;
  const execution = sm.run(input as any, {
    overrides: { taskResourceLocalHandlers: overrides, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    // The callback Task's token is issued by the rehearsal (waitForToken); this one is only a placeholder.
    context: { Execution: { Id: `arn:aws:states:eu-west-1:123456789012:execution:${machineName}:${name}`, Name: name, Input: input as any, StartTime: new Date().toISOString() }, Task: { Token: 'issued-by-the-rehearsal' } } as any,
  });
  const states: string[] = [];
  let failure: { error?: string; cause?: string } | undefined;
  const collect = (async () => {
    for await (const ev of execution.eventLogs) {
      if (ev.type === 'StateEntered') {
        states.push(ev.state.name);
        o.onState?.(ev.state.name);
      }
      if (ev.type === 'ExecutionFailed') failure = { error: ev.Error, cause: String(ev.Cause ?? '') };
    }
  })();
  try {
    const output = await execution.result;
    await collect;
    return { status: 'SUCCEEDED', output, states, transitions: states.length };
  } catch (e) {
    await collect;
    const cause = (e as Error & { cause?: { name?: string; message?: string } }).cause;
    return { status: 'FAILED', error: failure?.error ?? cause?.name, cause: failure?.cause ?? cause?.message, states, transitions: states.length };
  } finally {
    desk.uninstall();
  }
}
