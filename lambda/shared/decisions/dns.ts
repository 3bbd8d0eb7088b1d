/** Longest TTL a DNS ramp accepts: clients must follow a weight change (and a rollback) within minutes. */
export const MAX_DNS_TTL_SECONDS = 300;

/** One record set of the cutover's name, as Route 53 lists it. */
export interface RecordFacts {
  readonly setIdentifier?: string;
  readonly type: string;
  readonly weight?: number;
  readonly ttl?: number;
  readonly values: readonly string[];
  readonly alias: boolean;
}

/** The weighted pair the ramp moves: legacy endpoint and load balancer, 0-100 each. */
export interface DnsWeights {
  readonly legacy: number;
  readonly alb: number;
}

export interface DnsReadiness {
  readonly ok: boolean;
  /** The legacy endpoint still takes traffic: this cutover ramps DNS. */
  readonly ramp: boolean;
  readonly reasons: string[];
  readonly weights?: DnsWeights;
  readonly ttl?: number;
}

export interface DnsNames {
  readonly recordName: string;
  readonly legacyEndpoint: string;
  readonly legacySetIdentifier: string;
  readonly albSetIdentifier: string;
}

const bare = (n: string) => n.replace(/\.$/, '').toLowerCase();

/**
 * Whether the record sets of the cutover's name allow a DNS ramp. Pure.
 * The legacy record must be a weighted CNAME or A record (not an alias: it has
 * no TTL of its own) pointing at the legacy endpoint, with a TTL of at most
 * 300 s, like the load balancer's record when it exists.
 */
export function dnsReadiness(records: readonly RecordFacts[], n: DnsNames, maxTtl = MAX_DNS_TTL_SECONDS): DnsReadiness {
  const reasons: string[] = [];
  const legacy = records.find((r) => r.setIdentifier === n.legacySetIdentifier);
  const alb = records.find((r) => r.setIdentifier === n.albSetIdentifier);
  // Clients already resolve to the load balancer only: the DNS cutover is done.
  if (alb && (alb.weight ?? 0) > 0 && (!legacy || (legacy.weight ?? 0) === 0)) {
    return { ok: true, ramp: false, reasons, weights: { legacy: legacy?.weight ?? 0, alb: alb.weight ?? 0 }, ttl: alb.ttl };
  }
  const plain = records.find((r) => r.setIdentifier === undefined && (r.type === 'CNAME' || r.type === 'A' || r.type === 'AAAA'));
  if (!legacy) {
    reasons.push(
      plain
        ? `${n.recordName} is a plain ${plain.type} record; replace it with a weighted record (set identifier "${n.legacySetIdentifier}", weight 100, TTL at most ${maxTtl} s) pointing at ${n.legacyEndpoint}, in one change batch (docs/runbooks/CUTOVER-RUNBOOK.md)`
        : `no weighted record ${n.recordName} with set identifier "${n.legacySetIdentifier}"; create it (weight 100, TTL at most ${maxTtl} s) pointing at ${n.legacyEndpoint}`,
    );
    return { ok: false, ramp: false, reasons };
  }
  if (legacy.alias) reasons.push(`the legacy record of ${n.recordName} is an alias, which has no TTL of its own; use a ${legacy.type === 'A' ? 'A' : 'CNAME'} record with a TTL of at most ${maxTtl} s`);
  if (legacy.type === 'CNAME' && !legacy.values.some((v) => bare(v) === bare(n.legacyEndpoint))) {
    reasons.push(`the legacy record of ${n.recordName} points at ${legacy.values.join(', ')}, not ${n.legacyEndpoint}; fix dns.legacyEndpoint in the configuration or the record`);
  }
  for (const [what, r] of [['legacy', legacy], ['load balancer', alb]] as const) {
    if (r && !r.alias && (r.ttl ?? Infinity) > maxTtl) {
      reasons.push(`the ${what} record of ${n.recordName} has a TTL of ${r.ttl ?? 'unknown'} s; lower it to ${maxTtl} s or less and wait out the old TTL before starting, or clients would keep the old answer that long after a rollback`);
    }
  }
  const weights = { legacy: legacy.weight ?? 0, alb: alb?.weight ?? 0 };
  if (weights.legacy === 0) reasons.push(`the legacy record of ${n.recordName} has weight 0 and the load balancer's is missing or 0: no client would resolve the name; set the legacy weight to 100`);
  if (weights.alb > 0) reasons.push(`DNS is split (legacy ${weights.legacy}, load balancer ${weights.alb}); roll back (npm run rollback) so the legacy endpoint holds all clients before a ramp starts`);
  return { ok: reasons.length === 0, ramp: true, reasons, weights, ttl: legacy.ttl };
}

/** Record weights that send `percent` of clients to the load balancer. */
export function dnsWeightsAt(percent: number): DnsWeights {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`a step is a whole percent from 0 to 100, got ${percent}`);
  return { legacy: 100 - percent, alb: percent };
}

export function sameDnsWeights(a: DnsWeights, b: DnsWeights): boolean {
  return a.legacy === b.legacy && a.alb === b.alb;
}
