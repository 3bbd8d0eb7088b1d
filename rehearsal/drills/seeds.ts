import type { RehearsalReport } from '../rehearse';
import type { Drill } from './schema';

/** The most runs `--seeds` takes for one drill. */
export const MAX_SEEDS = 1000;

/**
 * `count` runs of a drill that differ only in the random seed of its traffic:
 * the drill as written first, then the next seeds in turn. A drill's outcome
 * can hang on which requests happen to fail (a rate near an alarm's threshold,
 * a judge near its margin); running it over many seeds shows whether the
 * expectation holds for the scenario or only for the one seed.
 */
export function seedVariants(drill: Drill, count: number): Drill[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEEDS) throw new RangeError(`--seeds takes a whole number from 1 to ${MAX_SEEDS}, not ${count}`);
  if (count === 1) return [drill];
  const first = drill.traffic.seed;
  return Array.from({ length: count }, (_, i) => ({ ...drill, name: `${drill.name} (seed ${first + i})`, traffic: { ...drill.traffic, seed: first + i } }));
}

/** How one drill fared over its seeds. */
export interface SeedSummary {
  readonly runs: number;
  readonly matched: number;
  /** The seeds whose run did not end as expected, each with its first mismatch. */
  readonly missed: { readonly seed: number; readonly mismatch: string }[];
}

/** Counts the runs of `seedVariants` that matched; `reports` in the same order as `variants`. */
export function summarizeSeeds(variants: readonly Drill[], reports: readonly Pick<RehearsalReport, 'matched' | 'mismatches'>[]): SeedSummary {
  if (variants.length !== reports.length) throw new Error(`${variants.length} seed runs but ${reports.length} reports`);
  const missed = reports.flatMap((r, i) => (r.matched ? [] : [{ seed: variants[i].traffic.seed, mismatch: r.mismatches[0] ?? 'did not match' }]));
  return { runs: reports.length, matched: reports.length - missed.length, missed };
}

/** One line: how many seeds matched, and each that did not. */
export function formatSeedSummary(s: SeedSummary): string {
  const head = `seeds: ${s.matched} of ${s.runs} matched the expectation`;
  return s.missed.length === 0 ? head : `${head}; not with ${s.missed.map((m) => `seed ${m.seed} (${m.mismatch})`).join(', ')}`;
}
