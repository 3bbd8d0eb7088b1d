import * as z from '../shared/zod';
import { colorSchema, otherColor } from '../shared/colors';
import { caughtErrorSchema } from '../shared/deploy-slice';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { soleColor } from '../shared/decisions/weights';
import { readWeights } from '../shared/adapters/elb';
import { getLock, lockKey, markRolledBack } from '../shared/adapters/lock';
import { readState } from '../shared/adapters/state';
import { rollbackTo } from '../shared/rollback';
import { settings } from '../shared/settings';

/** From the cutover state machine: roll back to the color it started from. */
const fromCutover = z.object({
  source: z.literal('cutover'),
  executionId: z.string(),
  state: z.object({ lock: lockSliceSchema, error: z.optional(caughtErrorSchema) }),
});
/** From an operator (console or npm run rollback). */
const manual = z.object({
  source: z.literal('manual'),
  executionId: z.string(),
  request: z.strictObject({
    reason: z.string().check(z.minLength(3, 'say why you roll back')),
    /** Color to put all traffic on; default: the running cutover's previous color, else the color not serving now. */
    target: z.optional(colorSchema),
  }),
});
const eventSchema = z.discriminatedUnion('source', [fromCutover, manual]);

export const handler = wrap('rollback', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  if (event.source === 'cutover') {
    const { lock, error } = event.state;
    const reason = error ? `${error.Error}: ${error.Cause ?? ''}`.slice(0, 1000) : 'cutover rollback';
    const held = s.dns ? await getLock(s.lockTable, pk) : undefined;
    const dns = held?.executionId === event.executionId && held.dnsRamp === true;
    const result = await rollbackTo(s, { target: lock.previousColor, requiredCount: lock.liveDesired, reason, executionId: event.executionId, trigger: 'cutover', dns });
    await markRolledBack(s.lockTable, pk, result.verifiedAtMs, reason);
    return { ...result, reason };
  }
  const [held, weights, recorded] = await Promise.all([getLock(s.lockTable, pk), readWeights(s.listenerArn, { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn }), readState(s.parameters)]);
  const serving = soleColor(weights) ?? recorded.liveColor;
  const { reason, target: asked } = event.request;
  const target = asked ?? held?.previousColor ?? otherColor(serving);
  const required = Math.max(1, recorded.desiredCount[serving], recorded.desiredCount[target]);
  const result = await rollbackTo(s, { target, requiredCount: required, reason, executionId: event.executionId, trigger: 'manual', dns: held?.dnsRamp === true });
  if (held) await markRolledBack(s.lockTable, pk, result.verifiedAtMs, `manual: ${reason}`);
  return { ...result, reason };
});
