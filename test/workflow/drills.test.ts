import * as fs from 'fs';
import * as path from 'path';
import { runDrill } from '../../rehearsal/drills/run';
import { loadDrill } from '../../rehearsal/drills/schema';
import { Moto } from '../../rehearsal/moto';

/**
 * Every drill file in drills/ runs as `npm run rehearse -- --drill FILE` runs
 * it, and must end the way its `expect` says: the proof that each rollback
 * trigger fires under traffic that crosses it, and not under traffic that
 * stays just under it.
 */
const ROOT = path.join(__dirname, '..', '..', 'drills');
const files = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));
const DRILLS = files(ROOT).sort();

let moto: Moto;
beforeAll(async () => {
  moto = await Moto.start();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

it('finds the trigger drills, a crossing and a held-under one for each trigger', () => {
  const triggers = DRILLS.filter((f) => f.includes(`${path.sep}triggers${path.sep}`)).map((f) => path.basename(f, '.json'));
  const crossed = triggers.filter((t) => t.endsWith('-crossed')).map((t) => t.replace(/-crossed$/, ''));
  const under = triggers.filter((t) => t.endsWith('-held-under')).map((t) => t.replace(/-held-under$/, ''));
  expect(crossed.length).toBeGreaterThanOrEqual(13);
  expect(under.sort()).toEqual(crossed.sort());
});

describe.each(DRILLS.map((f) => [path.relative(ROOT, f), f] as const))('drill %s', (_name, file) => {
  it('ends the way its expectation says', async () => {
    const drill = loadDrill(file);
    // A drill without an expectation proves nothing.
    expect(drill.expect).toBeTruthy();
    const rep = await runDrill(moto, drill);
    expect({ status: rep.status, error: rep.error, mismatches: rep.mismatches }).toEqual({ status: drill.expect!.status ?? rep.status, error: drill.expect!.error ?? rep.error, mismatches: [] });
    if (drill.expect!.status === 'FAILED' && drill.expect!.error === 'RolledBack' && drill.faults.length > 0) {
      // Caught after the fault, and traffic verified back on the old color in the same minute.
      expect(rep.detectionSeconds).toBeGreaterThanOrEqual(0);
      expect(rep.restoredSeconds! - rep.detectionSeconds!).toBeLessThanOrEqual(60);
      expect(rep.requests[rep.colors.old]).toBeGreaterThan(0);
    }
  });
});
