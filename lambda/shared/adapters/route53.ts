import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { DnsNotReady, DnsWeightsNotApplied } from '../errors';
import { DnsWeights, RecordFacts, sameDnsWeights } from '../decisions/dns';
import { sleep } from '../retry';
import { DnsCutover } from '../settings';
import { awsCall, sdkClient } from './clients';

// Loaded on first use: only cutovers with a DNS stage call Route 53.
const sdk = () => require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53');
const clients = { route53: sdkClient('route53', (c) => new (sdk().Route53Client)(c)) };
/** Route 53 answers with fully qualified, lower-case names. */
const fqdn = (n: string) => `${n.replace(/\.$/, '').toLowerCase()}.`;

/** Every record set of `name` in the zone. */
export async function recordSets(zoneId: string, name: string): Promise<ResourceRecordSet[]> {
  const r = await awsCall('route53:ListResourceRecordSets', () => clients.route53().send(new (sdk().ListResourceRecordSetsCommand)({ HostedZoneId: zoneId, StartRecordName: name, MaxItems: 100 })));
  return (r.ResourceRecordSets ?? []).filter((x) => x.Name?.toLowerCase() === fqdn(name));
}

export function factsOf(r: ResourceRecordSet): RecordFacts {
  return {
    setIdentifier: r.SetIdentifier,
    type: String(r.Type),
    weight: r.Weight === undefined ? undefined : Number(r.Weight),
    ttl: r.TTL === undefined ? undefined : Number(r.TTL),
    values: (r.ResourceRecords ?? []).map((v) => v.Value ?? '').concat(r.AliasTarget?.DNSName ? [r.AliasTarget.DNSName] : []),
    alias: r.AliasTarget !== undefined,
  };
}

/** The weights of the legacy and load-balancer records, as Route 53 reports them. */
export async function readDnsWeights(d: DnsCutover): Promise<{ weights: DnsWeights; records: ResourceRecordSet[] }> {
  const records = await recordSets(d.hostedZoneId, d.recordName);
  const weight = (id: string) => Number(records.find((r) => r.SetIdentifier === id)?.Weight ?? 0);
  return { weights: { legacy: weight(d.legacySetIdentifier), alb: weight(d.albSetIdentifier) }, records };
}

export interface DnsChange {
  /** Weights read back after the change. */
  readonly readBack: DnsWeights;
  readonly changeId: string;
  /** INSYNC once every Route 53 server answers with the new weights; PENDING if that took longer than the wait. */
  readonly status: string;
}

/**
 * Sets both weighted records (UPSERT only: the legacy record is rewritten with
 * its own value and TTL and a new weight, never deleted), reads them back, and
 * waits up to `waitMs` for Route 53 to report the change INSYNC.
 */
export async function setDnsWeights(d: DnsCutover, w: DnsWeights, o: { pollMs: number; waitMs: number; now?: () => number }): Promise<DnsChange> {
  const now = o.now ?? Date.now;
  const records = await recordSets(d.hostedZoneId, d.recordName);
  const legacy = records.find((r) => r.SetIdentifier === d.legacySetIdentifier);
  if (!legacy) throw new DnsNotReady(`no weighted record ${d.recordName} with set identifier "${d.legacySetIdentifier}"; nothing was changed`);
  const alb: ResourceRecordSet =
    legacy.Type === 'CNAME'
      ? { Name: legacy.Name, Type: 'CNAME', SetIdentifier: d.albSetIdentifier, Weight: w.alb, TTL: legacy.TTL, ResourceRecords: [{ Value: d.albDnsName }] }
      : { Name: legacy.Name, Type: legacy.Type, SetIdentifier: d.albSetIdentifier, Weight: w.alb, AliasTarget: { HostedZoneId: d.albHostedZoneId, DNSName: d.albDnsName, EvaluateTargetHealth: false } };
  const { ChangeResourceRecordSetsCommand, GetChangeCommand } = sdk();
  const r = await awsCall('route53:ChangeResourceRecordSets', () =>
    clients.route53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: d.hostedZoneId,
        ChangeBatch: {
          Comment: `switchyard: legacy ${w.legacy}, load balancer ${w.alb}`,
          Changes: [
            { Action: 'UPSERT', ResourceRecordSet: { ...legacy, Weight: w.legacy } },
            { Action: 'UPSERT', ResourceRecordSet: alb },
          ],
        },
      }),
    ),
  );
  const changeId = r.ChangeInfo?.Id ?? '';
  const seen = (await readDnsWeights(d)).weights;
  if (!sameDnsWeights(seen, w)) {
    throw new DnsWeightsNotApplied(`set legacy=${w.legacy} load balancer=${w.alb}, Route 53 reports legacy=${seen.legacy} load balancer=${seen.alb}`);
  }
  let status = String(r.ChangeInfo?.Status ?? 'PENDING');
  const deadline = now() + o.waitMs;
  while (status !== 'INSYNC' && now() < deadline) {
    await sleep(o.pollMs);
    status = String((await awsCall('route53:GetChange', () => clients.route53().send(new GetChangeCommand({ Id: changeId })))).ChangeInfo?.Status ?? 'PENDING');
  }
  return { readBack: seen, changeId, status };
}
