import * as z from '../shared/zod';
import { lockSliceSchema } from '../shared/lock-slice';
import { handler as wrap } from '../shared/handler';
import { planSlice } from '../shared/plan';
import { CANARY_CHECK, goNoGo, PreflightReport } from '../shared/decisions/preflight';
import { everyMinute, sinceFirstRequest, total } from '../shared/decisions/calibration';
import { alarmStates, colorMinutes, wafCountedRequests } from '../shared/adapters/cloudwatch';
import { CanaryTooThin } from '../shared/errors';
import * as ecs from '../shared/adapters/ecs';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { factsOf, recordSets } from '../shared/adapters/route53';
import { dnsReadiness, DnsReadiness } from '../shared/decisions/dns';
import { lockKey } from '../shared/lock-key';
import { notify } from '../shared/adapters/notify';
import { settings } from '../shared/settings';

/** The fields of the plan this handler reads. */
const planSchema = planSlice('acceptThinCanary', 'bakeSeconds', 'changeControl', 'judge', 'reason', 'startedBy', 'steps');

const eventSchema = z.object({ executionId: z.string(), state: z.object({ plan: planSchema, lock: lockSliceSchema }) });

export const handler = wrap('preflight', eventSchema, async (event): Promise<PreflightReport & { summary: string; dns?: { ramp: boolean } }> => {
  const s = settings();
  const { previousColor: live, newColor: idle } = event.state.lock;
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  const plan = event.state.plan;
  // The last hour's complete minutes (ALB datapoints arrive late): what the live color served, to weigh the plan against.
  const hourEnd = Math.floor((Date.now() - plan.judge.metricDelaySeconds * 1000) / 60_000) * 60_000;
  const hourStart = hourEnd - 3600_000;
  const dnsFacts = async (): Promise<DnsReadiness | undefined> => (s.dns ? dnsReadiness((await recordSets(s.dns.hostedZoneId, s.dns.recordName)).map(factsOf), s.dns) : undefined);
  const [weights, liveSvc, idleSvc, liveHealth, idleTg, alarms, counted, dns, lastHour] = await Promise.all([
    elb.readWeights(s.listenerArn, tgs),
    ecs.describeService(s.cluster, s.colors[live].service),
    ecs.describeService(s.cluster, s.colors[idle].service),
    elb.targetHealth(s.colors[live].targetGroupArn),
    elb.targetGroupExists(s.colors[idle].targetGroupArn),
    alarmStates([...s.colors.blue.gatingAlarms, ...s.colors.green.gatingAlarms]),
    s.wafAclName ? wafCountedRequests(s.wafAclName, process.env.AWS_REGION ?? '', Date.now() - 3600_000, Date.now()) : Promise.resolve(undefined),
    dnsFacts(),
    colorMinutes(s.listenerArn, s.colors[live].targetGroupArn, hourStart, hourEnd, plan.judge.latencyThresholdSeconds),
  ]);
  // A minute without a datapoint served no requests; minutes before the color's first request in the hour do not dilute its rate.
  const minutes = sinceFirstRequest(everyMinute(lastHour, hourStart, hourEnd));
  const report = goNoGo({
    liveColor: live,
    weights,
    live: { desired: liveSvc.desired, running: liveSvc.running, healthyTargets: liveHealth.healthy, deploymentsInProgress: liveSvc.deploymentsInProgress },
    idle: { desired: idleSvc.desired, running: idleSvc.running, healthyTargets: 0, deploymentsInProgress: idleSvc.deploymentsInProgress, targetGroupExists: idleTg },
    alarms: Object.entries(alarms).map(([name, state]) => ({ name, state })),
    waf: { mode: s.wafMode, countedLastHour: counted },
    dns,
    traffic: {
      lastHour: { minutes: minutes.length, reportedMinutes: lastHour.length, ...total(minutes) },
      plan: { steps: plan.steps, bakeSeconds: plan.bakeSeconds, minRequestsPerColor: plan.judge.minRequestsPerColor, maxBakeSeconds: plan.judge.maxBakeSeconds, metricDelaySeconds: plan.judge.metricDelaySeconds },
      judge: plan.judge,
      acceptThinCanary: plan.acceptThinCanary,
    },
  });
  // An emergency let through a change window or a freeze: on record and announced.
  const cc = plan.changeControl;
  if (cc?.override) {
    const pk = lockKey(s.service, s.environment);
    const detail = { ...cc.override, startedBy: plan.startedBy ?? 'unknown (not started by the CLI)', cutoverReason: plan.reason };
    await ledger.record(s.ledgerTable, pk, 'change-override', event.executionId, detail);
    await notify(s.topics.warning, `Switchyard ${pk}: started with an override (${cc.override.error}), ticket ${cc.override.ticket}`, { executionId: event.executionId, ...detail });
  }
  for (const w of cc?.warnings ?? []) report.warnings.push(w);
  // Too little traffic to judge the first step, and nothing else wrong: a refusal of its own name.
  const tooThin = !report.go && report.checks.every((c) => c.ok || c.check === CANARY_CHECK);
  const summary = report.go ? `go${report.warnings.length > 0 ? ` (warnings: ${report.warnings.join('; ')})` : ''}` : `${tooThin ? 'CanaryTooThin' : 'no-go'}: ${report.reasons.join('; ')}`;
  await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'preflight', event.executionId, { ...report, summary, ...(tooThin ? { error: 'CanaryTooThin' } : {}) });
  // Thrown, it takes the abort path: nothing was deployed yet, the lock is released, and the execution fails with its name.
  if (tooThin) throw new CanaryTooThin(report.canary?.message ?? report.reasons.join('; '));
  // Later states read whether this cutover ramps DNS from here.
  return { ...report, summary, ...(dns ? { dns: { ramp: dns.ok && dns.ramp } } : {}) };
});
