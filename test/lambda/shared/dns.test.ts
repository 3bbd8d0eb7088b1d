import fc from 'fast-check';
import { dnsReadiness, dnsWeightsAt, RecordFacts, sameDnsWeights } from '../../../lambda/shared/decisions/dns';

const names = { recordName: 'shop.example.com', legacyEndpoint: 'Legacy.Example.net', legacySetIdentifier: 'legacy', albSetIdentifier: 'switchyard' };
const legacy = (over: Partial<RecordFacts> = {}): RecordFacts => ({ setIdentifier: 'legacy', type: 'CNAME', weight: 100, ttl: 60, values: ['legacy.example.net.'], alias: false, ...over });
const alb = (over: Partial<RecordFacts> = {}): RecordFacts => ({ setIdentifier: 'switchyard', type: 'A', weight: 0, values: ['dualstack.lb.example.com.'], alias: true, ...over });

describe('DNS readiness: every rule, exactly', () => {
  it('a weighted legacy CNAME at weight 100 with a short TTL ramps; its endpoint compared without case or trailing dot', () => {
    expect(dnsReadiness([legacy(), alb()], names)).toEqual({ ok: true, ramp: true, reasons: [], weights: { legacy: 100, alb: 0 }, ttl: 60 });
    expect(dnsReadiness([legacy({ values: ['LEGACY.example.NET'] })], names)).toEqual({ ok: true, ramp: true, reasons: [], weights: { legacy: 100, alb: 0 }, ttl: 60 });
    // Any of its values may be the endpoint.
    expect(dnsReadiness([legacy({ values: ['other.example.net', 'legacy.example.net'] })], names).ok).toBe(true);
  });

  it('the load balancer already holds every client: done, no ramp', () => {
    expect(dnsReadiness([legacy({ weight: 0 }), alb({ weight: 100, ttl: 30 })], names)).toEqual({ ok: true, ramp: false, reasons: [], weights: { legacy: 0, alb: 100 }, ttl: 30 });
    expect(dnsReadiness([alb({ weight: 100 })], names)).toEqual({ ok: true, ramp: false, reasons: [], weights: { legacy: 0, alb: 100 } });
    // A legacy record without a weight counts as 0.
    expect(dnsReadiness([legacy({ weight: undefined }), alb({ weight: 5 })], names)).toMatchObject({ ok: true, ramp: false, weights: { legacy: 0, alb: 5 } });
  });

  it('no legacy record: says to create one, or to replace the plain record', () => {
    expect(dnsReadiness([], names)).toEqual({ ok: false, ramp: false, reasons: ['no weighted record shop.example.com with set identifier "legacy"; create it (weight 100, TTL at most 300 s) pointing at Legacy.Example.net'] });
    for (const type of ['CNAME', 'A', 'AAAA']) {
      expect(dnsReadiness([{ type, values: ['x'], alias: false, ttl: 60 }], names).reasons).toEqual([
        `shop.example.com is a plain ${type} record; replace it with a weighted record (set identifier "legacy", weight 100, TTL at most 300 s) pointing at Legacy.Example.net, in one change batch (docs/runbooks/CUTOVER-RUNBOOK.md)`,
      ]);
    }
    // A TXT record, or another weighted record, is not the plain record.
    expect(dnsReadiness([{ type: 'TXT', values: ['x'], alias: false }, { setIdentifier: 'x', type: 'CNAME', values: ['x'], alias: false }], names).reasons[0]).toMatch(/^no weighted record/);
    // The load balancer's record at weight 0 alone is not done either.
    expect(dnsReadiness([alb()], names)).toMatchObject({ ok: false, ramp: false });
  });

  it('an alias legacy record has no TTL of its own: use a plain A or CNAME record', () => {
    expect(dnsReadiness([legacy({ type: 'A', alias: true, ttl: undefined, values: [] })], names).reasons).toEqual(['the legacy record of shop.example.com is an alias, which has no TTL of its own; use a A record with a TTL of at most 300 s']);
    expect(dnsReadiness([legacy({ type: 'AAAA', alias: true, ttl: undefined, values: [] })], names).reasons).toEqual(['the legacy record of shop.example.com is an alias, which has no TTL of its own; use a CNAME record with a TTL of at most 300 s']);
  });

  it('a legacy CNAME pointing elsewhere names what it points at; an A record is not checked against the endpoint', () => {
    expect(dnsReadiness([legacy({ values: ['a.example.net', 'b.example.net'] })], names).reasons).toEqual(['the legacy record of shop.example.com points at a.example.net, b.example.net, not Legacy.Example.net; fix dns.legacyEndpoint in the configuration or the record']);
    expect(dnsReadiness([legacy({ type: 'A', values: ['192.0.2.1'] })], names)).toMatchObject({ ok: true, ramp: true });
  });

  it('a TTL above the limit, on either record, or unknown, is named; at the limit is fine', () => {
    expect(dnsReadiness([legacy({ ttl: 300 }), alb({ alias: false, ttl: 300 })], names).ok).toBe(true);
    expect(dnsReadiness([legacy({ ttl: 301 }), alb({ alias: false, ttl: undefined })], names).reasons).toEqual([
      'the legacy record of shop.example.com has a TTL of 301 s; lower it to 300 s or less and wait out the old TTL before starting, or clients would keep the old answer that long after a rollback',
      'the load balancer record of shop.example.com has a TTL of unknown s; lower it to 300 s or less and wait out the old TTL before starting, or clients would keep the old answer that long after a rollback',
    ]);
    expect(dnsReadiness([legacy({ ttl: 120 })], names, 100).reasons).toEqual([expect.stringMatching(/TTL of 120 s; lower it to 100 s or less/)]);
  });

  it('a legacy record at weight 0, or split traffic, is not a starting point', () => {
    expect(dnsReadiness([legacy({ weight: 0 })], names)).toEqual({
      ok: false,
      ramp: true,
      reasons: ["the legacy record of shop.example.com has weight 0 and the load balancer's is missing or 0: no client would resolve the name; set the legacy weight to 100"],
      weights: { legacy: 0, alb: 0 },
      ttl: 60,
    });
    expect(dnsReadiness([legacy({ weight: 70 }), alb({ weight: 30 })], names).reasons).toEqual(['DNS is split (legacy 70, load balancer 30); roll back (npm run rollback) so the legacy endpoint holds all clients before a ramp starts']);
  });
});

describe('DNS weights', () => {
  it('every whole percent from 0 to 100 moves that share to the load balancer; anything else is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (p) => {
        expect(dnsWeightsAt(p)).toEqual({ legacy: 100 - p, alb: p });
      }),
    );
    for (const bad of [-1, 101, 2.5, Number.NaN]) expect(() => dnsWeightsAt(bad)).toThrow(new RangeError(`a step is a whole percent from 0 to 100, got ${bad}`));
  });

  it('sameDnsWeights compares both records', () => {
    expect(sameDnsWeights({ legacy: 10, alb: 90 }, { legacy: 10, alb: 90 })).toBe(true);
    expect(sameDnsWeights({ legacy: 10, alb: 90 }, { legacy: 11, alb: 90 })).toBe(false);
    expect(sameDnsWeights({ legacy: 10, alb: 90 }, { legacy: 10, alb: 89 })).toBe(false);
  });
});
