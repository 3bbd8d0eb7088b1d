import * as path from 'path';
import { runDrill } from '../../rehearsal/drills/run';
import { drillFiles, loadDrill } from '../../rehearsal/drills/schema';
import { useMoto } from './moto-world';

/**
 * Every drill file in drills/ runs as `npm run rehearse -- --drill FILE` runs
 * it, and must end the way its `expect` says: the proof that each rollback
 * trigger fires under traffic that crosses it, and not under traffic that
 * stays just under it. Split over a few test files (drills-*.test.ts) so
 * jest's workers run them side by side, each worker with its own moto server.
 */
const ROOT = path.join(__dirname, '..', '..', 'drills');
/** Every drill file, relative to drills/. */
export const DRILLS = drillFiles(ROOT);

/**
 * The drill folders each test file runs, so jest's workers share them out;
 * `rest` takes every folder no other part names (a new folder runs there).
 */
export const DRILL_PARTS = { triggers: ['triggers'], judge: ['judge'], rest: [] as string[] } as const;
export type DrillPart = keyof typeof DRILL_PARTS;

/** The drills of one part. */
export function drillsOf(part: DrillPart): string[] {
  const folder = (f: string) => path.relative(ROOT, f).split(path.sep)[0];
  const named = Object.values(DRILL_PARTS).flat() as string[];
  return DRILLS.filter((f) => (part === 'rest' ? !named.includes(folder(f)) : (DRILL_PARTS[part] as readonly string[]).includes(folder(f))));
}

/** Runs each drill of `part` as `npm run rehearse -- --drill FILE` runs it; each must end the way its `expect` says. */
export function drillSuite(part: DrillPart): void {
  const moto = useMoto();

  describe.each(drillsOf(part).map((f) => [path.relative(ROOT, f), f] as const))('drill %s', (_name, file) => {
    it('ends the way its expectation says', async () => {
      const drill = loadDrill(file);
      // A drill without an expectation proves nothing.
      expect(drill.expect).toBeTruthy();
      const rep = await runDrill(moto(), drill);
      expect({ status: rep.status, error: rep.error, mismatches: rep.mismatches }).toEqual({ status: drill.expect!.status ?? rep.status, error: drill.expect!.error ?? rep.error, mismatches: [] });
      if (drill.expect!.status === 'FAILED' && drill.expect!.error === 'RolledBack' && drill.faults.length > 0) {
        // Caught after the fault, and traffic verified back on the old color in the same minute.
        expect(rep.detectionSeconds).toBeGreaterThanOrEqual(0);
        expect(rep.restoredSeconds! - rep.detectionSeconds!).toBeLessThanOrEqual(60);
        expect(rep.requests[rep.colors.old]).toBeGreaterThan(0);
      }
    });
  });
}
