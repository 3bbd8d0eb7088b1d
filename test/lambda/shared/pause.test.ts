import fc from 'fast-check';
import { pauseCommands, PauseLock, pauseDecision, pauseOverdueDecision, PauseRequest, PlanPause } from '../../../lambda/shared/decisions/pause';
import { pauseSchema } from '../../../lambda/shared/cutover-config';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const lock = (o: Partial<PauseLock> = {}): PauseLock => ({ executionId: 'exec-1', expiresAtMs: NOW + 3_600_000, phase: 'ramping', ...o });
const pause = (o: Partial<PauseRequest> = {}): PauseRequest => ({ action: 'pause', by: 'arn:aws:iam::1:role/ops', reason: 'hold for review', ...o });
const limits: PlanPause = { pageAfterSeconds: 1800, maxSeconds: 3600, maxPauses: 2 };

describe('pauseDecision', () => {
  it('pauses a ramping cutover, recording when, who and why', () => {
    expect(pauseDecision({ request: pause(), lock: lock(), nowMs: NOW, limits })).toEqual({
      ok: true,
      action: 'pause',
      executionId: 'exec-1',
      pause: { atMs: NOW, by: 'arn:aws:iam::1:role/ops', reason: 'hold for review' },
    });
  });

  it('refuses, naming why, whatever it cannot hold', () => {
    const refused = (request: PauseRequest, l: PauseLock | undefined) => {
      const d = pauseDecision({ request, lock: l, nowMs: NOW, limits });
      return d.ok ? 'ok' : d.error;
    };
    expect(refused(pause(), undefined)).toBe('NoCutoverRunning');
    expect(refused(pause(), lock({ expiresAtMs: NOW }))).toBe('NoCutoverRunning');
    expect(refused(pause(), lock({ rolledBackAtMs: NOW - 1 }))).toBe('NoCutoverRunning');
    expect(refused(pause({ executionId: 'exec-0' }), lock())).toBe('StalePause');
    expect(refused(pause({ reason: undefined }), lock())).toBe('ReasonRequired');
    expect(refused(pause(), lock({ phase: 'starting' }))).toBe('NotRamping');
    expect(refused(pause(), lock({ phase: 'watching' }))).toBe('NotRamping');
    expect(refused(pause(), lock({ pause: { atMs: NOW - 1, by: 'x', reason: 'earlier' } }))).toBe('AlreadyPaused');
    expect(refused(pause(), lock({ pauseCount: 2 }))).toBe('TooManyPauses');
    expect(refused(pause(), lock({ pauseCount: 1 }))).toBe('ok');
    expect(refused(pause({ action: 'resume' }), lock())).toBe('NotPaused');
  });

  it('tells an operator pausing too early where a cutover can be held instead', () => {
    const d = pauseDecision({ request: pause(), lock: lock({ phase: 'starting' }), nowMs: NOW, limits });
    expect(d.ok ? '' : d.message).toMatch(/before-first-shift approval gate/);
  });

  it('resumes with the pause length added to the cutover paused total', () => {
    const d = pauseDecision({ request: pause({ action: 'resume', reason: undefined }), lock: lock({ pause: { atMs: NOW - 600_000, by: 'x', reason: 'r' }, pausedTotalMs: 120_000 }), nowMs: NOW, limits });
    expect(d).toMatchObject({ ok: true, action: 'resume', pausedMs: 600_000, pausedTotalMs: 720_000 });
  });

  it('acts only on a running, unrolled-back cutover it was asked about, and a pause is refused in any phase but ramping', () => {
    const phase = fc.constantFrom<PauseLock['phase']>('starting', 'ramping', 'watching');
    fc.assert(
      fc.property(phase, fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 4 }), fc.constantFrom<'pause' | 'resume'>('pause', 'resume'), (ph, expired, rolledBack, paused, count, action) => {
        const l = lock({ phase: ph, expiresAtMs: expired ? NOW - 1 : NOW + 1, rolledBackAtMs: rolledBack ? NOW - 5 : undefined, pause: paused ? { atMs: NOW - 1000, by: 'x', reason: 'r' } : undefined, pauseCount: count });
        const d = pauseDecision({ request: pause({ action }), lock: l, nowMs: NOW, limits });
        if (!d.ok) return;
        expect(expired || rolledBack).toBe(false);
        if (action === 'pause') {
          expect(ph).toBe('ramping');
          expect(paused).toBe(false);
          expect(count).toBeLessThan(limits.maxPauses);
        } else {
          expect(paused).toBe(true);
        }
      }),
    );
  });
});

describe('pauseDecision messages', () => {
  const message = (request: PauseRequest, l: PauseLock | undefined) => {
    const d = pauseDecision({ request, lock: l, nowMs: NOW, limits });
    return d.ok ? 'ok' : d.message;
  };

  it('a request naming the running execution acts; one naming another is refused with both ids', () => {
    expect(pauseDecision({ request: pause({ executionId: 'exec-1' }), lock: lock(), nowMs: NOW, limits }).ok).toBe(true);
    expect(message(pause({ executionId: 'exec-0' }), lock())).toBe('execution exec-0 is not the running cutover (exec-1); nothing was changed');
  });

  it('each refusal says what is wrong and that nothing changed', () => {
    expect(message(pause(), undefined)).toBe('no cutover is running in this environment (none holds the lock, or an alarm rolled it back); nothing was changed');
    expect(message(pause({ reason: '' }), lock())).toBe('pause needs --reason "why": it goes into the ledger and the notification');
    expect(message(pause(), lock({ pause: { atMs: NOW - 60_000, by: 'alice', reason: 'r' } }))).toBe('cutover exec-1 is already paused, since 2026-12-04T09:59:00.000Z by alice; nothing was changed');
    expect(message(pause(), lock({ phase: 'watching' }))).toBe('cutover exec-1 cannot be paused: it was promoted and its watch window runs: there is no ramp left to hold (roll back if it must not stay); nothing was changed');
    expect(message(pause(), lock({ phase: 'starting' }))).toMatch(/^cutover exec-1 cannot be paused: traffic has not moved yet: /);
    expect(message(pause(), lock({ pauseCount: 3 }))).toBe('cutover exec-1 was paused 3 times, the most cutover.pause.maxPauses allows; roll back if it must stop; nothing was changed');
    expect(message(pause({ action: 'resume' }), lock())).toBe('cutover exec-1 is not paused; nothing was changed');
  });
});

describe('pauseOverdueDecision', () => {
  const held = { atMs: NOW, by: 'ops', reason: 'review' };
  it('pages and holds until the pauses together reach maxHours, then rolls back', () => {
    expect(pauseOverdueDecision({ pause: held, nowMs: NOW + 30 * 60_000, limits })).toMatchObject({ action: 'hold', pausedMinutes: 30 });
    expect(pauseOverdueDecision({ pause: held, nowMs: NOW + 30 * 60_000, limits }).reason).toMatch(/30 minutes left before it rolls back/);
    expect(pauseOverdueDecision({ pause: held, nowMs: NOW + 60 * 60_000, limits })).toMatchObject({ action: 'rollback', pausedMinutes: 60 });
    // Earlier pauses count: 40 minutes before and 20 now reach the hour.
    expect(pauseOverdueDecision({ pause: held, pausedTotalMs: 40 * 60_000, nowMs: NOW + 20 * 60_000, limits })).toMatchObject({ action: 'rollback' });
    expect(pauseOverdueDecision({ pause: held, pausedTotalMs: 40 * 60_000, nowMs: NOW + 19 * 60_000, limits })).toMatchObject({ action: 'hold' });
  });

  it('the rollback reason gives the minutes paused in all and the limit in hours', () => {
    const twoHours = { ...limits, maxSeconds: 7200 };
    expect(pauseOverdueDecision({ pause: held, pausedTotalMs: 30 * 60_000, nowMs: NOW + 95 * 60_000, limits: twoHours }).reason).toBe(
      'paused 125 minutes in all, past cutover.pause.maxHours (2 h); a cutover cannot stay split longer',
    );
  });

  it('rolls back exactly when the total paused time reaches the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 60, max: 86_400 }), (before, now, maxSeconds) => {
        const d = pauseOverdueDecision({ pause: held, pausedTotalMs: before, nowMs: NOW + now, limits: { ...limits, maxSeconds } });
        expect(d.action).toBe(before + now >= maxSeconds * 1000 ? 'rollback' : 'hold');
      }),
    );
  });
});

describe('cutover.pause', () => {
  it('defaults to paging after an hour, rolling back after 12 hours in all, and 5 pauses', () => {
    expect(pauseSchema.parse(undefined)).toEqual({ pageAfterMinutes: 60, maxHours: 12, maxPauses: 5 });
  });

  it('refuses limits the state machine cannot hold, saying which', () => {
    expect(() => pauseSchema.parse({ maxHours: 25 })).toThrow(/pause.maxHours must be at most 24/);
    expect(() => pauseSchema.parse({ pageAfterMinutes: 1 })).toThrow(/pause.pageAfterMinutes must be at least 5/);
    expect(() => pauseSchema.parse({ maxPauses: 0 })).toThrow(/pause.maxPauses must be at least 1/);
  });
});

describe('pauseCommands', () => {
  it('names the resume of this execution and the rollback, for the environment', () => {
    expect(pauseCommands('prod', 'exec-9')).toEqual(['npm run cutover -- resume --env prod --execution exec-9', 'npm run rollback -- --env prod --reason "..."']);
  });
});
