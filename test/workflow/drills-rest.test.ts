import * as path from 'path';
import { runDrill } from '../../rehearsal/drills/run';
import { loadDrill } from '../../rehearsal/drills/schema';
import { RehearsalReport } from '../../rehearsal/rehearse';
import { drillSuite } from './drill-suite';
import { useMoto } from './moto-world';

// Approvals, change control, pause, sticky clients, examples, and any new folder.
drillSuite('rest');

describe('a drill without startAt', () => {
  const moto = useMoto();

  it('gives the same run each time: the second the run began does not move its simulated minutes', async () => {
    // The error-rate drill that detects 8% errors on five one-minute periods: its minutes split at each shift.
    const drill = loadDrill(path.join(__dirname, '..', '..', 'drills', 'triggers', '5xx-above-5pct-for-5min-crossed.json'));
    expect(drill.startAt).toBeUndefined();
    const seen = (r: RehearsalReport) => ({ minutes: r.minutes, alarms: r.alarmChanges.map((c) => [c.alarm, c.from, c.to, c.atSeconds]), requests: r.requests, failed: r.failedRequests });
    // The second run begins at another second of the real clock: the first takes a second or so of it.
    const first = await runDrill(moto(), drill);
    const second = await runDrill(moto(), drill);
    expect(first.minutes.length).toBeGreaterThanOrEqual(15);
    expect(seen(second)).toEqual(seen(first));
    // Only the handlers' own real milliseconds, which the simulated clock carries, may differ.
    expect(Math.abs(second.detectionSeconds! - first.detectionSeconds!)).toBeLessThanOrEqual(1);
  });
});
