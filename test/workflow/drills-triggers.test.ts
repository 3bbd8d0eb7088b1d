import * as path from 'path';
import { DRILLS, DRILL_PARTS, drillsOf, drillSuite } from './drill-suite';

it('finds the trigger drills, a crossing and a held-under one for each trigger', () => {
  const triggers = drillsOf('triggers').map((f) => path.basename(f, '.json'));
  const crossed = triggers.filter((t) => t.endsWith('-crossed')).map((t) => t.replace(/-crossed$/, ''));
  const under = triggers.filter((t) => t.endsWith('-held-under')).map((t) => t.replace(/-held-under$/, ''));
  expect(crossed.length).toBeGreaterThanOrEqual(13);
  expect(under.sort()).toEqual(crossed.sort());
});

it('runs every drill file in exactly one part', () => {
  const parts = (Object.keys(DRILL_PARTS) as Array<keyof typeof DRILL_PARTS>).flatMap((p) => drillsOf(p));
  expect(parts.sort()).toEqual(DRILLS);
  expect(drillsOf('rest').length).toBeGreaterThan(0);
});

drillSuite('triggers');
