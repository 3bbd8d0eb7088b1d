import * as fc from 'fast-check';
import { clockStartMs } from '../../rehearsal/clock';

const MINUTE = 60_000;
const WARM_UP = 15 * MINUTE;

describe('clockStartMs', () => {
  it('starts the warm-up before a given startAt, wherever the real clock is', () => {
    const startAt = Date.parse('2026-03-29T08:00:00Z');
    expect(clockStartMs(Date.parse('2026-12-05T10:17:43.512Z'), WARM_UP, startAt)).toBe(startAt - WARM_UP);
    expect(clockStartMs(Date.parse('2026-12-05T10:17:43.512Z'), 0, startAt)).toBe(startAt);
  });

  it('without a startAt, starts at the next whole minute', () => {
    expect(clockStartMs(Date.parse('2026-12-05T10:17:43.512Z'), WARM_UP)).toBe(Date.parse('2026-12-05T10:18:00Z'));
    expect(clockStartMs(Date.parse('2026-12-05T10:18:00.000Z'), WARM_UP)).toBe(Date.parse('2026-12-05T10:18:00Z'));
  });

  it('without a startAt: the same start for any second of the same minute, never behind the real clock, less than a minute ahead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 1, max: MINUTE - 1 }), fc.integer({ min: 1, max: MINUTE - 1 }), (minute, a, b) => {
        const first = clockStartMs(minute * MINUTE + a, WARM_UP);
        expect(clockStartMs(minute * MINUTE + b, WARM_UP)).toBe(first);
        expect(first % MINUTE).toBe(0);
        expect(first).toBeGreaterThanOrEqual(minute * MINUTE + a);
        expect(first - (minute * MINUTE + a)).toBeLessThan(MINUTE);
      }),
    );
  });
});
