import { Weights } from '../lambda/shared/decisions/weights';
import { RunOptions } from './run';
import { World } from './world';

/** Marks when a scenario injected its alarm, in real time. */
export interface ScenarioContext {
  alarmAtMs?: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly input: Record<string, unknown>;
  /** Runs before the Task named `state`: where the fault goes in. */
  readonly before?: (world: World, state: string, input: any, ctx: ScenarioContext) => Promise<void>;
  readonly machine?: RunOptions['machine'];
  /** Example environment the scenario needs (staging has the data sync and the DNS cutover). */
  readonly env?: string;
  /** What a correct Switchyard must end with. */
  readonly expect: { readonly status: 'SUCCEEDED' | 'FAILED'; readonly error?: string; readonly weights: Weights };
}

const base = { image: 'public.ecr.aws/nginx/nginx:1.28', strategy: 'canary', bakeSeconds: 300 };
let checks = 0;
let ticks = 0;

/** Fires green's rollback alarm before the `n`th bake check of the run (with traffic, as users would). */
function alarmAtCheck(n: number): NonNullable<Scenario['before']> {
  return async (w, state, _i, ctx) => {
    await traffic(w, state);
    if (state === 'DeployIdle') checks = 0;
    if (state === 'CheckStep' && ++checks === n) {
      await w.setAlarm('green', 'ALARM');
      ctx.alarmAtMs = performance.now();
    }
  };
}

/** Publishes a minute of traffic before each bake check and watch tick, as real users would. */
async function traffic(world: World, state: string): Promise<void> {
  if (state === 'CheckStep' || state === 'WatchTick') await world.emitTraffic();
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'happy',
    description: '3-step canary with 5-minute bakes and a 24-hour watch window; ends on green',
    input: { ...base, watchWindowHours: 24, reason: 'rehearsal: happy path' },
    before: async (w, state) => traffic(w, state),
    expect: { status: 'SUCCEEDED', weights: { blue: 0, green: 100 } },
  },
  {
    name: 'smoke-fails',
    description: 'the health check passes but the business endpoint answers 500: no traffic moves',
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: smoke fails' },
    before: async (w, state) => {
      if (state === 'SmokeTest') w.app.business = 500;
    },
    expect: { status: 'FAILED', error: 'SmokeTestFailed', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'alarm-at-step-2',
    description: "green's rollback alarm fires during the bake of step 2 (50%): all traffic returns to blue",
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: alarm at step 2' },
    before: alarmAtCheck(2),
    expect: { status: 'FAILED', error: 'RolledBack', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'idle-never-healthy',
    description: 'green never gets a healthy target: the cutover stops at its deadline, traffic never moves',
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: idle never healthy' },
    before: async (w, state) => {
      if (state === 'DeployIdle') w.faults.neverHealthy.add('green');
    },
    expect: { status: 'FAILED', error: 'IdleNeverHealthy', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'throttled-rollback',
    description: 'an alarm at step 1, then the load balancer throttles the rollback three times in a row',
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: throttled rollback' },
    before: async (w, state, _i, ctx) => {
      await traffic(w, state);
      if (state === 'CheckStep' && ctx.alarmAtMs === undefined) {
        await w.setAlarm('green', 'ALARM');
        ctx.alarmAtMs = performance.now();
      }
      if (state === 'Rollback') w.faults.throttleModifyListener = 3;
    },
    expect: { status: 'FAILED', error: 'RolledBack', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'alarm-in-watch-window',
    description: 'green is promoted; its rollback alarm fires 2 hours into the 24-hour watch window; blue, still at full size, takes everything back',
    input: { ...base, watchWindowHours: 24, reason: 'rehearsal: alarm in watch window' },
    before: async (w, state, _i, ctx) => {
      await traffic(w, state);
      if (state === 'Promote') ticks = 0;
      if (state === 'WatchTick' && ++ticks === 3) {
        await w.setAlarm('green', 'ALARM');
        ctx.alarmAtMs = performance.now();
      }
    },
    expect: { status: 'FAILED', error: 'RolledBack', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'sync-validation-fails',
    env: 'staging',
    description: 'the final data sync passes but its validation task exits 1 (counts differ): maintenance goes off, no traffic moves',
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: sync validation fails' },
    before: async (w, state) => {
      if (state === 'SmokeTest') w.taskRuns.ValidateSync = { exitCode: 1, seconds: 240 };
    },
    expect: { status: 'FAILED', error: 'SyncValidationFailed', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'dns-alarm-rollback',
    env: 'staging',
    description: "moving off the legacy endpoint in DNS (10, 50, 100), green's alarm fires at 50%: clients go back to the legacy endpoint",
    input: { ...base, watchWindowHours: 0, dataSync: false, reason: 'rehearsal: DNS ramp rolled back' },
    before: alarmAtCheck(2),
    expect: { status: 'FAILED', error: 'RolledBack', weights: { blue: 100, green: 0 } },
  },
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; choose one of: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}
