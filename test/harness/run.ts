import { PublishCommand } from '@aws-sdk/client-sns';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { loadConfig } from '../../lib/config/load';
import { repositoryContext } from '../../lib/context';
import { buildSwitchyard } from '../../lib/switchyard';
import { clients } from '../../lambda/shared/adapters/clients';
import { renderDefinition, RenderedDefinition } from '../helpers/definition';

type Handler = (event: unknown) => Promise<unknown>;

/** Handlers by task folder, loaded as the Lambda runtime would load them. */
const HANDLERS: Record<string, () => Handler> = {
  'validate-input': () => require('../../lambda/validate-input').handler,
  lock: () => require('../../lambda/lock').handler,
  preflight: () => require('../../lambda/preflight').handler,
  'deploy-idle': () => require('../../lambda/deploy-idle').handler,
  'smoke-test': () => require('../../lambda/smoke-test').handler,
  traffic: () => require('../../lambda/traffic').handler,
  promote: () => require('../../lambda/promote').handler,
  watch: () => require('../../lambda/watch').handler,
  rollback: () => require('../../lambda/rollback').handler,
  'alarm-handler': () => require('../../lambda/alarm-handler').handler,
};

export function taskHandler(task: string): Handler {
  const load = HANDLERS[task];
  if (!load) throw new Error(`no handler for task ${task}`);
  return load();
}

let cached: { cutover: RenderedDefinition; rollback: RenderedDefinition; prefix: string } | undefined;

/** The state machines exactly as `cdk synth` renders them for the dev environment. */
export function synthesizedDefinitions(): { cutover: RenderedDefinition; rollback: RenderedDefinition; prefix: string } {
  if (!cached) {
    const app = new App({ context: { ...repositoryContext(), 'aws:cdk:bundling-stacks': [] } });
    const config = loadConfig('dev');
    const { control } = buildSwitchyard(app, config, { nag: false });
    const json = Template.fromStack(control).toJSON();
    const id = (name: string) => Object.entries(json.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineName === name)![0];
    const prefix = `${config.service.name}-${config.environment}`;
    cached = { cutover: renderDefinition(json, id(`${prefix}-cutover`)), rollback: renderDefinition(json, id(`${prefix}-rollback`)), prefix };
  }
  return cached;
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
  /** Milliseconds each Wait state takes (the real ones are shortened). */
  readonly waitMs?: number;
  readonly executionName?: string;
  readonly machine?: 'cutover' | 'rollback';
  /** Called for every state entered (progress display). */
  readonly onState?: (name: string) => void;
}

let runs = 0;
/** Runs a synthesized state machine offline, every Task bound to its real handler. */
export async function runStateMachine(input: unknown, o: RunOptions = {}): Promise<RunResult> {
  const defs = synthesizedDefinitions();
  const rendered = o.machine === 'rollback' ? defs.rollback : defs.cutover;
  const overrides: Record<string, (input: any) => Promise<any>> = {};
  const walk = (states: Record<string, any>, fn: (name: string, st: any) => void) => Object.entries(states).forEach(([n, s]) => fn(n, s));
  const waits: Record<string, number> = {};
  walk(rendered.definition.States, (name, st) => {
    if (st.Type === 'Wait') waits[name] = o.waitMs ?? 5;
    if (st.Type !== 'Task') return;
    const fnName = rendered.taskFunctions[name];
    if (fnName) {
      const task = fnName.slice(defs.prefix.length + 1);
      const h = taskHandler(task);
      overrides[name] = async (payload) => {
        await o.before?.(name, payload);
        return h(payload);
      };
    } else if (String(st.Resource).includes(':sns:publish')) {
      // The native SNS integration: publish to the critical topic of this world.
      overrides[name] = async (payload) => {
        await o.before?.(name, payload);
        await clients.sns().send(new PublishCommand({ TopicArn: process.env.CRITICAL_TOPIC_ARN, Subject: payload.Subject, Message: typeof payload.Message === 'string' ? payload.Message : JSON.stringify(payload.Message) }));
        return {};
      };
    } else {
      throw new Error(`Task ${name} has no local binding`);
    }
  });

  const sm = new StateMachine(rendered.definition, { validationOptions: { checkArn: false } });
  const name = o.executionName ?? `rehearsal-${++runs}`;
  const machineName = `${defs.prefix}-${o.machine ?? 'cutover'}`;
  const execution = sm.run(input as any, {
    overrides: { taskResourceLocalHandlers: overrides, waitTimeOverrides: waits },
    context: { Execution: { Id: `arn:aws:states:eu-west-1:123456789012:execution:${machineName}:${name}`, Name: name, Input: input as any, StartTime: new Date().toISOString() } },
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
  }
}
