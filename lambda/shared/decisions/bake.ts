/** What a bake check observed about the new color. */
export interface BakeFacts {
  readonly alarmState: string;
  /** Requests the new color served during the bake; undefined when the metric could not be read. */
  readonly requests: number | undefined;
  readonly minRequests: number;
  /** The new color's share, in percent; a 0% step has nothing to judge. */
  readonly percent: number;
  readonly healthyTargets: number;
  readonly desired: number;
}

export type BakeVerdict = { readonly ok: true } | { readonly ok: false; readonly error: 'AlarmBreached' | 'InsufficientTraffic' | 'IdleNeverHealthy'; readonly reason: string };

/** A step passes only with the rollback alarm OK, full healthy capacity and enough requests served. */
export function bakeVerdict(f: BakeFacts): BakeVerdict {
  if (f.alarmState === 'ALARM') return { ok: false, error: 'AlarmBreached', reason: 'the new color\'s rollback alarm is in ALARM' };
  if (f.healthyTargets < f.desired) return { ok: false, error: 'IdleNeverHealthy', reason: `only ${f.healthyTargets} of ${f.desired} targets of the new color are healthy` };
  if (f.percent > 0 && f.minRequests > 0) {
    // No data is not a pass: a broken metric or no traffic blocks promotion.
    if (f.requests === undefined) return { ok: false, error: 'InsufficientTraffic', reason: 'the request count of the new color could not be read' };
    if (f.requests < f.minRequests) return { ok: false, error: 'InsufficientTraffic', reason: `the new color served ${f.requests} requests, fewer than the ${f.minRequests} needed to judge it` };
  }
  return { ok: true };
}
