import * as fc from 'fast-check';
import { clockStartMs, minuteNumber } from '../../rehearsal/clock';

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

describe('minuteNumber', () => {
  const W = Date.parse('2026-12-05T10:18:00Z');

  it('is 0 (never -0) for the minute the run began in, whatever milliseconds the clock carried past its start', () => {
    // The run's first minute starts a few real milliseconds before the run itself (the CI failure of 78fa14b).
    expect(Object.is(minuteNumber(W, W + 3), 0)).toBe(true);
    expect(Object.is(minuteNumber(W, W), 0)).toBe(true);
    expect(minuteNumber(W + MINUTE, W + 3)).toBe(1);
    expect(minuteNumber(W - 2 * MINUTE, W + 59_999)).toBe(-2);
  });

  it('gives the same number for any run start within the same whole minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30, max: 30 }), fc.integer({ min: 0, max: MINUTE - 1 }), fc.integer({ min: 0, max: MINUTE - 1 }), (k, a, b) => {
        const n = minuteNumber(W + k * MINUTE, W + a);
        expect(Object.is(n, k)).toBe(true);
        expect(minuteNumber(W + k * MINUTE, W + b)).toBe(n);
      }),
    );
  });
});
