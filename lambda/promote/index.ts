import * as z from '../shared/zod';
import { lockSliceSchema } from '../shared/lock-slice';
import { rampSliceSchema } from '../shared/ramp-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { lockKey, setPhase } from '../shared/adapters/lock';
import { notify } from '../shared/adapters/notify';
import { recordLiveColor } from '../shared/adapters/state';
import { settings } from '../shared/settings';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('reason');

const eventSchema = z.object({ executionId: z.string(), state: z.object({ plan: planSchema, lock: lockSliceSchema, ramp: rampSliceSchema }) });

export const handler = wrap('promote', eventSchema, async (event) => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const { newColor, previousColor } = event.state.lock;
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  // A later `cdk deploy` renders weights from this record.
  await recordLiveColor(s.parameters, newColor);
  // The old color is now the idle one: smoke tests and previews reach it.
  await elb.setTestRoute(s.testRuleArn, tgs, previousColor);
  await setPhase(s.lockTable, pk, event.executionId, 'watching');
  const promotedAtMs = Date.now();
  await ledger.record(s.ledgerTable, pk, 'promoted', event.executionId, { live: newColor, previous: previousColor, weights: event.state.ramp.weights });
  await notify(s.topics.warning, `Switchyard ${pk}: promoted ${newColor}`, { executionId: event.executionId, live: newColor, previous: previousColor, reason: event.state.plan.reason });
  return { promotedAtMs };
});
