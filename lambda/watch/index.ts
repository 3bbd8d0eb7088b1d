import * as z from '../shared/zod';
import { AlarmBreached, RolledBackByAlarm } from '../shared/errors';
import { lockSliceSchema } from '../shared/lock-slice';
import { promotionSliceSchema, watchSliceSchema, WatchSlice } from '../shared/watch-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { checkpointReport, watchPlan } from '../shared/decisions/watch';
import { alarmStates, targetGroupSignals } from '../shared/adapters/cloudwatch';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { getLock, lockKey } from '../shared/adapters/lock';
import { settings } from '../shared/settings';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('checkpointSeconds', 'watchTickSeconds', 'watchWindowSeconds');

const eventSchema = z.object({
  executionId: z.string(),
  action: z.literal('tick'),
  state: z.object({ plan: planSchema, lock: lockSliceSchema, promotion: promotionSliceSchema, watch: z.optional(watchSliceSchema) }),
});

/** One tick of the watch window: stop on a rollback or an alarm, report due checkpoints, plan the next tick. */
export const handler = wrap('watch', eventSchema, async (event): Promise<WatchSlice> => {
  const s = settings();
  const pk = lockKey(s.service, s.environment);
  const { plan, lock, promotion } = event.state;
  const color = s.colors[lock.newColor];

  const held = await getLock(s.lockTable, pk);
  if (held?.executionId === event.executionId && held.rolledBackAtMs !== undefined) {
    throw new RolledBackByAlarm(`an alarm rolled traffic back during the watch window: ${held.rollbackReason ?? ''}`);
  }
  // Polled as well as event-driven: an alarm already in ALARM fires no new event.
  const alarms = await alarmStates([color.rollbackAlarm]);
  if (alarms[color.rollbackAlarm] === 'ALARM') throw new AlarmBreached(`${color.rollbackAlarm} is in ALARM during the watch window`);

  const now = Date.now();
  const elapsedSeconds = Math.floor((now - promotion.promotedAtMs) / 1000);
  const reported = event.state.watch?.reported ?? [];
  const p = watchPlan(elapsedSeconds, plan.watchWindowSeconds, plan.checkpointSeconds, reported, plan.watchTickSeconds);
  for (const checkpoint of p.due) {
    const since = Math.max(promotion.promotedAtMs, now - 3600_000);
    const [signals, health] = await Promise.all([targetGroupSignals(s.listenerArn, color.targetGroupArn, since, now), elb.targetHealth(color.targetGroupArn)]);
    const errorRatePercent = signals.requests ? (100 * (signals.errors5xx ?? 0)) / signals.requests : undefined;
    const report = checkpointReport({ errorRatePercent, p95Seconds: signals.p95Seconds, healthyTargets: health.healthy, desired: lock.liveDesired }, s.checkpointTargets);
    await ledger.record(s.ledgerTable, pk, 'checkpoint', event.executionId, { afterHours: checkpoint / 3600, color: lock.newColor, report, allOk: report.every((r) => r.ok) });
  }
  return { elapsedSeconds, reported: [...reported, ...p.due], nextWaitSeconds: p.nextWaitSeconds, done: p.done };
});
