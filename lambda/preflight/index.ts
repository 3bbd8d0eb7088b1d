import { z } from 'zod';
import { lockSliceSchema } from '../shared/execution';
import { handler as wrap } from '../shared/handler';
import { planSchema } from '../shared/input';
import { goNoGo, PreflightReport } from '../shared/decisions/preflight';
import { alarmStates, wafCountedRequests } from '../shared/adapters/cloudwatch';
import * as ecs from '../shared/adapters/ecs';
import * as elb from '../shared/adapters/elb';
import * as ledger from '../shared/adapters/ledger';
import { factsOf, recordSets } from '../shared/adapters/route53';
import { dnsReadiness, DnsReadiness } from '../shared/decisions/dns';
import { lockKey } from '../shared/adapters/lock';
import { settings } from '../shared/settings';

const eventSchema = z.object({ executionId: z.string(), state: z.object({ plan: planSchema, lock: lockSliceSchema }) });

export const handler = wrap('preflight', eventSchema, async (event): Promise<PreflightReport & { summary: string; dns?: { ramp: boolean } }> => {
  const s = settings();
  const { previousColor: live, newColor: idle } = event.state.lock;
  const tgs = { blue: s.colors.blue.targetGroupArn, green: s.colors.green.targetGroupArn };
  const dnsFacts = async (): Promise<DnsReadiness | undefined> => (s.dns ? dnsReadiness((await recordSets(s.dns.hostedZoneId, s.dns.recordName)).map(factsOf), s.dns) : undefined);
  const [weights, liveSvc, idleSvc, liveHealth, idleTg, alarms, counted, dns] = await Promise.all([
    elb.readWeights(s.listenerArn, tgs),
    ecs.describeService(s.cluster, s.colors[live].service),
    ecs.describeService(s.cluster, s.colors[idle].service),
    elb.targetHealth(s.colors[live].targetGroupArn),
    elb.targetGroupExists(s.colors[idle].targetGroupArn),
    alarmStates([...s.colors.blue.gatingAlarms, ...s.colors.green.gatingAlarms]),
    s.wafAclName ? wafCountedRequests(s.wafAclName, process.env.AWS_REGION ?? '', Date.now() - 3600_000, Date.now()) : Promise.resolve(undefined),
    dnsFacts(),
  ]);
  const report = goNoGo({
    liveColor: live,
    weights,
    live: { desired: liveSvc.desired, running: liveSvc.running, healthyTargets: liveHealth.healthy, deploymentsInProgress: liveSvc.deploymentsInProgress },
    idle: { desired: idleSvc.desired, running: idleSvc.running, healthyTargets: 0, deploymentsInProgress: idleSvc.deploymentsInProgress, targetGroupExists: idleTg },
    alarms: Object.entries(alarms).map(([name, state]) => ({ name, state })),
    waf: { mode: s.wafMode, countedLastHour: counted },
    dns,
  });
  const summary = report.go ? 'go' : `no-go: ${report.reasons.join('; ')}`;
  await ledger.record(s.ledgerTable, lockKey(s.service, s.environment), 'preflight', event.executionId, { ...report });
  // Later states read whether this cutover ramps DNS from here.
  return { ...report, summary, ...(dns ? { dns: { ramp: dns.ok && dns.ramp } } : {}) };
});
