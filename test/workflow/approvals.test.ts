import { World } from '../../rehearsal/world';
import { taskHandler } from '../../rehearsal/run';
import { planFrom } from '../../lambda/validate-input';
import { cutoverInputSchema } from '../../lambda/shared/input';
import { settings } from '../../lambda/shared/settings';
import { runIn, useMotoWorld } from './moto-world';

const env = useMotoWorld();
let world: World;
beforeEach(() => {
  world = env.world();
});

const input = { reason: 'release 1.28', image: 'public.ecr.aws/nginx/nginx:1.28', steps: [10, 50, 100], bakeSeconds: 300, watchWindowHours: 0 };
const approver = 'arn:aws:iam::123456789012:role/release-approver';
const gate = (event: object) => taskHandler('gate')(event);

describe('an approval gate', () => {
  it('stores its token with the lock only, tells the approvers what they need without it, and records who approved and why', async () => {
    let token: string | undefined;
    let lockGate: any;
    const r = await runIn(world, { ...input, approvals: { at: ['after-step:1'], timeoutMinutes: 30 } }, {
      onGateOpened: async (name, n) => {
        expect([name, n]).toEqual(['after-step:1', 1]);
        lockGate = (await world.lock())?.gate;
        token = lockGate?.token;
        await gate({ action: 'approve', approver, reason: 'dashboards are green' });
      },
    });
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(lockGate).toMatchObject({ name: 'after-step:1', executionId: expect.stringContaining(':execution:'), requireDistinctApprover: false });
    expect(token).toMatch(/^rehearsal-token-/);

    // The notification at the gate: the step, weights read back, the latest verdict, alarms, time left, the commands.
    const asked = world.published.find((p) => p.subject.includes('approval needed at after-step:1'));
    const message = JSON.parse(asked!.message!);
    expect(message).toMatchObject({ gate: 'after-step:1', step: { number: 1, of: 3, percent: 10 }, weightsReadBack: { blue: 90, green: 10 }, minutesLeft: 30, onTimeout: 'rollback' });
    expect(message.latestVerdict).toMatchObject({ step: 1, decision: 'PASS' });
    expect(Object.values(message.alarms)).toEqual(['OK', 'OK']);
    expect(message.commands[0]).toMatch(/^npm run cutover -- approve --env dev --execution arn:.* --gate after-step:1 --reason/);

    // The start announcement: who, the timeline with its gate, how to follow it.
    const start = JSON.parse(world.published.find((p) => p.subject.includes('cutover started'))!.message!);
    expect(start).toMatchObject({ startedBy: 'unknown (not started by the CLI)', reason: 'release 1.28', follow: { status: expect.stringMatching(/^npm run cutover -- status --env dev arn:/) } });
    expect(start.timeline.steps.map((x: any) => x.percent)).toEqual([10, 50, 100]);
    expect(start.timeline.note).toMatch(/after-step:1/);

    // The token appears in no notification and no ledger entry.
    const ledger = await world.ledger();
    for (const text of [...world.published.map((p) => `${p.subject} ${p.message}`), ...ledger.map((e) => JSON.stringify(e))]) expect(text).not.toContain(token!);
    expect(ledger.map((e) => e.type)).toEqual(expect.arrayContaining(['gate-opened', 'approved']));
    expect(ledger.find((e) => e.type === 'approved')!.detail).toMatchObject({ gate: 'after-step:1', approver, reason: 'dashboards are green' });
    expect(world.published.some((p) => p.subject.includes(`after-step:1 approved by ${approver}`.slice(0, 60)))).toBe(true);
    // The gate came off the lock when it was answered; the lock is released at the end.
    expect(await world.lock()).toBeUndefined();
  });

  it('a 3-step canary with one approval gate stays well under 100 state transitions', async () => {
    const r = await runIn(world, { ...input, approvals: { at: ['after-step:1'], timeoutMinutes: 30 } }, {
      onGateOpened: async () => {
        await gate({ action: 'approve', approver, reason: 'looks good' });
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    // 40 when measured; the same canary without the gate, back to blue in the same world, takes one fewer.
    expect(r.transitions).toBeLessThan(100);
    const without = await runIn(world, input);
    expect(without.status).toBe('SUCCEEDED');
    expect(r.transitions - without.transitions).toBe(1);
  });

  it('an approve when nothing waits, or twice, is refused by name and changes nothing', async () => {
    await expect(gate({ action: 'approve', approver, reason: 'nothing runs' })).rejects.toMatchObject({ name: 'NoCutoverRunning' });
    const answers: string[] = [];
    const r = await runIn(world, { ...input, approvals: { at: ['before-first-shift'], timeoutMinutes: 30 } }, {
      onGateOpened: async () => {
        for (const reason of ['first', 'second']) {
          try {
            await gate({ action: 'approve', approver, reason });
            answers.push('ok');
          } catch (e) {
            answers.push((e as Error).name);
          }
        }
      },
    });
    expect(answers).toEqual(['ok', 'NoGateWaiting']);
    expect(r.status).toBe('SUCCEEDED');
    const ledger = await world.ledger();
    expect(ledger.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect(ledger.filter((e) => e.type === 'approval-refused').map((e) => e.detail.error)).toEqual(['NoCutoverRunning', 'NoGateWaiting']);
  });
});

describe('validate-input', () => {
  const plan = (raw: object) => planFrom(cutoverInputSchema.parse({ reason: 'release 1.28', ...raw }), settings().defaults);

  it('puts the gates in the plan with a Choice key each, and refuses a gate after a step the plan lacks', () => {
    expect(plan({ steps: [10, 50, 100], approvals: { at: ['before-promotion', 'after-step:2'] } }).approvals).toEqual({
      at: ['after-step:2', 'before-promotion'],
      timeoutSeconds: 3600,
      onTimeout: 'rollback',
      holdMaxSeconds: 12 * 3600,
      requireDistinctApprover: false,
      flags: { afterStep2: true, beforePromotion: true },
    });
    expect(() => plan({ steps: [10, 100], approvals: { at: ['after-step:2'] } })).toThrow(/after step 2, but this plan has 2 steps \(after the last step, use "before-promotion"\)/);
    expect(() => plan({ approvals: { at: ['after-lunch'] } })).toThrow();
  });

  it('refuses gates that could wait longer together than the execution leaves for them', () => {
    expect(() => plan({ approvals: { at: ['before-first-shift', 'after-step:1', 'before-promotion'], timeoutMinutes: 1440 } })).toThrow(/approval gates can wait 72 h together/);
  });
});
