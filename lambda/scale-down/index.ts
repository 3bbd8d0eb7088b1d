import * as z from '../shared/zod';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import * as ecs from '../shared/adapters/ecs';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { lockKey } from '../shared/lock-key';
import { recordDesiredCount } from '../shared/adapters/state';
import { settings } from '../shared/settings';
// Gives settings() the schema of CUTOVER_DEFAULTS.scaleDownOldColor, which this handler reads.
import '../shared/cutover-fields';

/** The fields of the plan this handler reads (none: it only requires a plan). */
const planSchema = planSlice();

const eventSchema = z.object({ executionId: z.string(), state: z.object({ plan: planSchema, lock: lockSliceSchema }) });

/**
 * Scales the old color down after the watch window. The state machine has
 * waited the deregistration delay; this refuses unless the old color's weight
 * reads 0, so a color that still takes traffic is never scaled down.
 */
export const handler = wrap('scale-down', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const old = event.state.lock.previousColor;
  const weights = await elb.readWeights(s.listenerArn, { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn });
  if (weights[old] !== 0) throw new Error(`refusing to scale ${old} down: it still has weight ${weights[old]}`);
  if (!s.defaults.scaleDownOldColor) {
    await ledger.record(s.ledgerTable, pk, 'scaled-down', event.executionId, { color: old, skipped: 'scaleDownOldColor is false' });
    return { scaledDown: false };
  }
  await ecs.updateService(s.cluster, s.colors[old].service, 0);
  await recordDesiredCount(s.parameters, old, 0);
  await ledger.record(s.ledgerTable, pk, 'scaled-down', event.executionId, { color: old, to: 0 });
  return { scaledDown: true };
});
