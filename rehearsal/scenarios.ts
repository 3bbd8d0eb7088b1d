import { Weights } from '../lambda/shared/decisions/weights';
import { RunOptions } from './run';
import { Fault, faultSchema } from './traffic/schema';
import { World } from './world';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly input: Record<string, unknown>;
  /** What goes wrong in the simulated traffic (the alarms notice it themselves). */
  readonly faults?: readonly Fault[];
  /** Runs before the Task named `state`: where faults outside the traffic go in. */
  readonly before?: (world: World, state: string, input: any) => Promise<void>;
  /** Runs after the Task named `state` returned (ok) or threw. */
  readonly after?: (world: World, state: string, ok: boolean) => Promise<void>;
  readonly machine?: RunOptions['machine'];
  /** Example environment the scenario needs (staging has the data sync and the DNS cutover). */
  readonly env?: string;
  /** What a correct Switchyard must end with. */
  readonly expect: { readonly status: 'SUCCEEDED' | 'FAILED'; readonly error?: string; readonly weights: Weights };
}

const base = { image: 'public.ecr.aws/nginx/nginx:1.28', strategy: 'canary', bakeSeconds: 300 };
/** The new color fails half of its requests from the given moment. */
const failingFrom = (from: string): Fault[] => [faultSchema.parse({ color: 'new', from, errorRatePercent: 50 })];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'happy',
    description: '3-step canary with 5-minute bakes and a 24-hour watch window; ends on green',
    input: { ...base, watchWindowHours: 24, reason: 'rehearsal: happy path' },
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
    description: 'green fails half its requests from step 2 (50%): its error-rate alarm fires in the bake and all traffic returns to blue',
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: alarm at step 2' },
    faults: failingFrom('step:2'),
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
    description: 'green fails half its requests from step 1; the load balancer throttles the rollback three times in a row',
    input: { ...base, watchWindowHours: 0, reason: 'rehearsal: throttled rollback' },
    faults: failingFrom('step:1'),
    after: async (w, state, ok) => {
      // From the first shift on, the next three listener changes (the rollback's) are throttled.
      if (state === 'ShiftTraffic' && ok && w.faults.throttleModifyListener === 0 && w.calls('elb:ModifyListener') === 1) w.faults.throttleModifyListener = 3;
    },
    expect: { status: 'FAILED', error: 'RolledBack', weights: { blue: 100, green: 0 } },
  },
  {
    name: 'alarm-in-watch-window',
    description: 'green is promoted; 2 hours into the 24-hour watch window its p95 latency rises to 4 s; blue, still at full size, takes everything back',
    input: { ...base, watchWindowHours: 24, reason: 'rehearsal: alarm in watch window' },
    // The ramp takes 15 minutes (3 bakes of 5), so minute 135 is 2 hours after promotion.
    faults: [faultSchema.parse({ color: 'new', from: 'minute:135', p95Seconds: 4 })],
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
    faults: failingFrom('step:2'),
    expect: { status: 'FAILED', error: 'RolledBack', weights: { blue: 100, green: 0 } },
  },
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; choose one of: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}
