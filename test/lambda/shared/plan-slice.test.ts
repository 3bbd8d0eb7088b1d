import fc from 'fast-check';
import { planSchema } from '../../../lambda/shared/input';
import { PLAN_FIELDS, planSlice } from '../../../lambda/shared/plan';
import { plan } from '../handlers/env';

/**
 * Handlers validate the fields of the plan they read (planSlice); validate-input
 * makes the plan and the whole of it must pass planSchema.
 */
describe('planSlice', () => {
  it('validates each field as the whole plan does, and drops the others', () => {
    const bad: Record<string, unknown> = { steps: [0], bakeSeconds: 1.5, watchWindowSeconds: -1, checkpointSeconds: [0], watchTickSeconds: 0, reason: 3, dryRun: 'no', judge: {}, approvals: { at: 'x' }, pause: { maxPauses: 0 }, changeControl: { warnings: 'x' }, image: 7, startedBy: 7, maintenance: 'x', dataSync: 'x', acceptThinCanary: 'x' };
    for (const field of PLAN_FIELDS) {
      const wrong = { ...plan, [field]: bad[field] };
      expect(planSchema.safeParse(wrong).success).toBe(false);
      expect(planSlice(field).safeParse(wrong).success).toBe(false);
      // A handler that does not read the field neither checks it nor sees it.
      const others = PLAN_FIELDS.filter((f) => f !== field);
      const sliced = planSlice(...others).parse(wrong);
      expect(field in sliced).toBe(false);
    }
  });

  it('gives the fields it reads as the whole plan gives them', () => {
    const whole = planSchema.parse(plan);
    fc.assert(
      fc.property(fc.subarray([...PLAN_FIELDS]), (fields) => {
        expect(planSlice(...fields).parse(plan)).toEqual(Object.fromEntries(fields.filter((f) => whole[f] !== undefined).map((f) => [f, whole[f]])));
      }),
    );
  });

  it('requires a plan even when the handler reads none of its fields', () => {
    expect(planSlice().safeParse(undefined).success).toBe(false);
    expect(planSlice().parse(plan)).toEqual({});
  });
});

describe('validate-input', () => {
  const saved = process.env.CUTOVER_DEFAULTS;
  afterAll(() => {
    if (saved === undefined) delete process.env.CUTOVER_DEFAULTS;
    else process.env.CUTOVER_DEFAULTS = saved;
  });
  it('makes a plan that passes the whole plan schema', async () => {
    process.env.CUTOVER_DEFAULTS = '{}';
    const { handler } = require('../../../lambda/validate-input');
    for (const input of [{ reason: 'release 2', strategy: 'linear' }, { reason: 'release 3', steps: [0.5, 100], bakeSeconds: 60, approvals: { at: ['before-promotion'] }, judge: { minRequestsPerColor: 300 } }]) {
      const made = await handler({ executionId: 'e', input });
      expect(planSchema.safeParse(made).error?.issues).toBeUndefined();
      expect(planSchema.parse(made)).toEqual(made);
    }
  });
});
