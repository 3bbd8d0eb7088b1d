import * as fc from 'fast-check';
import { parseDrill } from '../../../rehearsal/drills/schema';
import { formatSeedSummary, MAX_SEEDS, seedVariants, summarizeSeeds } from '../../../rehearsal/drills/seeds';

const drill = (seed?: number) =>
  parseDrill(
    {
      name: 'slow at step 2',
      input: { steps: [10, 50, 100], bakeSeconds: 300, watchWindowHours: 0, reason: 'drill: seeds' },
      traffic: { requestsPerMinute: 1000, errorRatePercent: 0.3, ...(seed === undefined ? {} : { seed }) },
      faults: [{ color: 'new', from: 'step:2', p95Seconds: 4 }],
      expect: { status: 'FAILED', error: 'RolledBack' },
    },
    'seeds.test',
  );

describe('seedVariants', () => {
  it('runs the drill as written first, then the next seeds, changing nothing else', () => {
    const d = drill(7);
    const v = seedVariants(d, 3);
    expect(v.map((x) => x.traffic.seed)).toEqual([7, 8, 9]);
    expect(v.map((x) => x.name)).toEqual(['slow at step 2 (seed 7)', 'slow at step 2 (seed 8)', 'slow at step 2 (seed 9)']);
    for (const x of v) {
      const { seed: _s, ...traffic } = x.traffic;
      const { seed: _d, ...original } = d.traffic;
      expect(traffic).toEqual(original);
      expect({ ...x, name: d.name, traffic: d.traffic }).toEqual(d);
    }
    // The drill itself is left as it was.
    expect(d.traffic.seed).toBe(7);
  });

  it('starts from the default seed when the drill names none', () => {
    expect(seedVariants(drill(), 2).map((x) => x.traffic.seed)).toEqual([1, 2]);
  });

  it('leaves a single run as the drill itself, name included', () => {
    const d = drill(5);
    expect(seedVariants(d, 1)).toEqual([d]);
  });

  it('gives `count` distinct seeds for any count and first seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 2, max: 50 }), (first, count) => {
        const seeds = seedVariants(drill(first), count).map((x) => x.traffic.seed);
        expect(seeds).toHaveLength(count);
        expect(new Set(seeds).size).toBe(count);
        expect(seeds[0]).toBe(first);
      }),
    );
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_SEEDS + 1])('refuses %p runs, saying what it takes', (n) => {
    expect(() => seedVariants(drill(), n)).toThrow(`--seeds takes a whole number from 1 to ${MAX_SEEDS}`);
  });
});

describe('summarizeSeeds', () => {
  const variants = seedVariants(drill(20), 4);
  it('counts the matched runs and names each seed that missed, with its first mismatch', () => {
    const s = summarizeSeeds(variants, [
      { matched: true, mismatches: [] },
      { matched: false, mismatches: ['detection took 880 s, expected at most 480 s', 'status FAILED, expected SUCCEEDED'] },
      { matched: true, mismatches: [] },
      { matched: false, mismatches: [] },
    ]);
    expect(s).toEqual({ runs: 4, matched: 2, missed: [{ seed: 21, mismatch: 'detection took 880 s, expected at most 480 s' }, { seed: 23, mismatch: 'did not match' }] });
    expect(formatSeedSummary(s)).toBe('seeds: 2 of 4 matched the expectation; not with seed 21 (detection took 880 s, expected at most 480 s), seed 23 (did not match)');
  });

  it('says plainly when every seed matched', () => {
    const all = variants.map(() => ({ matched: true, mismatches: [] }));
    expect(formatSeedSummary(summarizeSeeds(variants, all))).toBe('seeds: 4 of 4 matched the expectation');
  });

  it('refuses reports that do not pair with the runs', () => {
    expect(() => summarizeSeeds(variants, [{ matched: true, mismatches: [] }])).toThrow('4 seed runs but 1 reports');
  });
});
