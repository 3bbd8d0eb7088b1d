import { World } from '../../rehearsal/world';
import { taskHandler } from '../../rehearsal/run';
import { formatPauseStatus } from '../../scripts/switchyard';
import { runIn, useMotoWorld } from './moto-world';

// Pages after 5 minutes of pause, so the overdue path runs in a short test.
const env = useMotoWorld({ config: { cutover: { pause: { pageAfterMinutes: 5, maxHours: 2 } } } });
let world: World;
beforeEach(() => {
  world = env.world();
});

const input = { reason: 'release 1.28', image: 'public.ecr.aws/nginx/nginx:1.28', steps: [10, 50, 100], bakeSeconds: 300, watchWindowHours: 0 };
const operator = 'arn:aws:iam::123456789012:role/release-operator';
const approver = 'arn:aws:iam::123456789012:role/release-approver';
const pause = (event: object) => taskHandler('pause')(event);
const attempt = async (f: () => Promise<unknown>) => {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return (e as Error).name;
  }
};

describe('a paused ramp', () => {
  it('holds at a token kept only with the lock; approvers cannot answer it; status shows who paused, since when and the weights held; resume lets it go on', async () => {
    let token: string | undefined;
    let status: any;
    let approve: string | undefined;
    let weightsWhileHeld: unknown;
    let paused = false;
    const r = await runIn(world, input, {
      before: async (state, payload) => {
        if (state === 'CheckStep' && !paused && (await world.lock())?.phase === 'ramping') {
          paused = true;
          await pause({ action: 'pause', by: operator, reason: 'hold for the review' });
        }
        // What `status` prints while the execution holds at Paused: that state's input.
        if (state === 'Paused') status = formatPauseStatus({ name: 'Paused', input: JSON.stringify(payload.state) });
      },
      // While the ramp holds, simulated time passes: act once its token is stored.
      passTime: async (ms) => {
        await world.passTime(ms);
        const held = await world.lock();
        if (held?.gate?.name !== 'pause' || token) return;
        token = held.gate.token;
        weightsWhileHeld = await world.observeWeights();
        approve = await attempt(() => taskHandler('gate')({ action: 'approve', approver, reason: 'not a gate' }));
        await pause({ action: 'resume', by: operator, reason: 'review done' });
      },
    });
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(token).toMatch(/^rehearsal-token-/);
    expect(weightsWhileHeld).toEqual({ blue: 90, green: 10 });
    expect(approve).toBe('NoGateWaiting');
    expect(status).toMatch(new RegExp(`^PAUSED since \\S+ \\(\\d+ min\\) by ${operator}: hold for the review; holding at blue=90 green=10, step 1`));
    expect(r.states.filter((s) => s === 'Paused')).toHaveLength(1);

    const ledger = await world.ledger();
    expect(ledger.map((e) => e.type)).toEqual(expect.arrayContaining(['paused', 'pause-holding', 'resumed']));
    expect(ledger.find((e) => e.type === 'resumed')!.detail).toMatchObject({ by: operator, pausedBy: operator, wasHolding: true });
    expect(ledger.find((e) => e.type === 'pause-holding')!.detail).toMatchObject({ step: { number: 1, of: 3, percent: 10 }, weightsReadBack: { blue: 90, green: 10 } });
    // The token appears in no notification and no ledger entry.
    for (const text of [...world.published.map((p) => `${p.subject} ${p.message}`), ...ledger.map((e) => JSON.stringify(e))]) expect(text).not.toContain(token!);
    expect(world.published.some((p) => p.subject.includes(`cutover paused by ${operator}`.slice(0, 60)))).toBe(true);
  });

  it('a resume between the step check and the hold lets the ramp go on at once: the hold finds no pause and releases its own token', async () => {
    let paused = false;
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state === 'CheckStep' && !paused && (await world.lock())?.phase === 'ramping') {
          paused = true;
          await pause({ action: 'pause', by: operator, reason: 'hold for the review' });
        }
        if (state === 'Paused') await pause({ action: 'resume', by: operator, reason: 'never mind' });
      },
    });
    expect({ status: r.status, error: r.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(r.states.filter((s) => s === 'Paused')).toHaveLength(1);
    const ledger = await world.ledger();
    expect(ledger.find((e) => e.type === 'resumed')!.detail).toMatchObject({ wasHolding: false });
    expect(ledger.some((e) => e.type === 'pause-holding')).toBe(false);
  });

  it('a resume as the hold times out: the overdue check finds no pause, and the ramp goes on without paging', async () => {
    let paused = false;
    let resumed = 'not tried';
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state === 'CheckStep' && !paused && (await world.lock())?.phase === 'ramping') {
          paused = true;
          await pause({ action: 'pause', by: operator, reason: 'hold for the review' });
        }
        // The wait already timed out: resume takes the stored token, whose Task is gone.
        if (state === 'PauseOverdue') resumed = await attempt(() => pause({ action: 'resume', by: operator, reason: 'late' }));
      },
    });
    expect({ status: r.status, error: r.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(resumed).toBe('ok');
    expect(r.states.filter((s) => s === 'Paused')).toHaveLength(2);
    expect(r.states.filter((s) => s === 'PauseOverdue')).toHaveLength(1);
    const ledger = await world.ledger();
    expect(ledger.some((e) => e.type === 'pause-overdue')).toBe(false);
    expect(world.published.some((p) => p.subject.includes('cutover paused') && p.topic === process.env.CRITICAL_TOPIC_ARN)).toBe(false);
  });

  it('a pause nobody resumes pages each interval with the commands, and the step check spends no look while paused', async () => {
    let paused = false;
    let overdue = 0;
    const r = await runIn(world, input, {
      before: async (state) => {
        if (state === 'CheckStep' && !paused && (await world.lock())?.phase === 'ramping') {
          paused = true;
          await pause({ action: 'pause', by: operator, reason: 'hold for the review' });
        }
        if (state === 'PauseOverdue' && ++overdue === 2) await pause({ action: 'resume', by: operator, reason: 'back' });
      },
    });
    expect({ status: r.status, error: r.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    const pages = world.published.filter((p) => p.topic === process.env.CRITICAL_TOPIC_ARN && p.subject.includes('cutover paused'));
    expect(pages.map((p) => p.subject)).toEqual([expect.stringMatching(/cutover paused 5 minutes$/)]);
    expect(JSON.parse(pages[0].message!).commands[0]).toMatch(/^npm run cutover -- resume --env dev --execution arn:/);
    const bakes = (await world.ledger()).filter((e) => e.type === 'bake' && e.detail.step === 1);
    // The paused check judged nothing; the look after resume is the step's first.
    expect(bakes.map((e) => e.detail.look)).toEqual([1]);
  });
});
