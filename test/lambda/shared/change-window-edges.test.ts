import { ChangeWindow, changeDecision, freezeAt, inWindow, knownTimeZone, openAt, windowCloses } from '../../../lambda/shared/decisions/change-window';

// Edges change-window.test.ts leaves out: minutes in HH:MM, each bound of a
// same-day and an overnight window, a freeze's first instant, several windows,
// no window within 60 days, an expected end exactly at the close.
// 2026-12-07 is a Monday; UTC keeps local time equal to the instant.
const at = (day: number, hhmm: string) => Date.parse(`2026-12-${String(day).padStart(2, '0')}T${hhmm}:00Z`);
const MON = 7;
const TUE = 8;
const office: ChangeWindow = { days: ['Mon'], start: '09:30', end: '17:00', timeZone: 'UTC' };
const night: ChangeWindow = { days: ['Mon'], start: '22:00', end: '02:00', timeZone: 'UTC' };

describe('knownTimeZone', () => {
  it('knows IANA zones and refuses others', () => {
    expect(knownTimeZone('Europe/Oslo')).toBe(true);
    expect(knownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('inWindow', () => {
  it('a same-day window opens at its start minute, HH:MM read to the minute, and closes at its end', () => {
    expect(inWindow(at(MON, '09:15'), office)).toBe(false);
    expect(inWindow(at(MON, '09:29'), office)).toBe(false);
    expect(inWindow(at(MON, '09:30'), office)).toBe(true);
    expect(inWindow(at(MON, '16:59'), office)).toBe(true);
    expect(inWindow(at(MON, '17:00'), office)).toBe(false);
  });

  it('an overnight window runs from its start on a listed day to its end the next morning', () => {
    expect(inWindow(at(MON, '21:59'), night)).toBe(false);
    expect(inWindow(at(MON, '22:00'), night)).toBe(true);
    expect(inWindow(at(TUE, '01:59'), night)).toBe(true);
    expect(inWindow(at(TUE, '02:00'), night)).toBe(false);
    expect(inWindow(at(TUE, '22:00'), night)).toBe(false);
  });
});

describe('freezes and openings', () => {
  const freeze = { from: '2026-12-07T10:00:00Z', to: '2026-12-07T11:00:00Z', reason: 'audit' };
  it('a freeze holds from its first instant', () => {
    expect(freezeAt(at(MON, '10:00'), [freeze])).toBe(freeze);
    expect(freezeAt(at(MON, '11:00'), [freeze])).toBeUndefined();
  });

  it('with no windows every minute outside a freeze is open; with several, any one will do', () => {
    expect(openAt(at(TUE, '03:00'), [], [])).toBe(true);
    expect(openAt(at(MON, '10:00'), [], [freeze])).toBe(false);
    expect(openAt(at(MON, '23:00'), [office, night], [])).toBe(true);
  });

  it('a window closes at its end, counted from its first minute, across back-to-back windows', () => {
    expect(windowCloses(at(MON, '09:30'), [office])).toBe(at(MON, '17:00'));
    const morning: ChangeWindow = { ...office, start: '09:30', end: '12:00' };
    const afternoon: ChangeWindow = { ...office, start: '12:00', end: '17:00' };
    expect(windowCloses(at(MON, '10:00'), [morning, afternoon])).toBe(at(MON, '17:00'));
  });
});

describe('changeDecision', () => {
  const base = { windows: [office, night], freezes: [], expectedEndMs: at(MON, '12:00'), overrun: 'refuse' as const };

  it('inside one of several windows: open', () => {
    expect(changeDecision({ ...base, nowMs: at(MON, '23:00'), expectedEndMs: at(TUE, '01:00') })).toEqual({ ok: true, warnings: [], windowClosesMs: at(TUE, '02:00') });
  });

  it('an expected end exactly at the close is inside the window', () => {
    expect(changeDecision({ ...base, nowMs: at(MON, '10:00'), expectedEndMs: at(MON, '17:00') })).toEqual({ ok: true, warnings: [], windowClosesMs: at(MON, '17:00') });
  });

  it('refuses an overrun, saying what to do', () => {
    expect(changeDecision({ ...base, nowMs: at(MON, '16:00'), expectedEndMs: at(MON, '17:01') })).toEqual({
      ok: false,
      error: 'WindowTooShort',
      message: 'the cutover is expected to finish at 2026-12-07T17:01Z, after the change window closes at 2026-12-07T17:00Z; start earlier, shorten the plan, or override',
    });
  });

  it('a freeze longer than the horizon: no window opens in the next 60 days', () => {
    const long = { from: '2026-12-01T00:00:00Z', to: '2027-03-01T00:00:00Z', reason: 'year end' };
    const v = changeDecision({ ...base, nowMs: at(MON, '10:00'), freezes: [long] });
    expect(v).toMatchObject({ ok: false, error: 'ChangeFreeze', nextOpensMs: undefined });
    expect(v.ok ? '' : v.message).toBe(
      'a change freeze is in force until 2027-03-01T00:00Z (year end); no window opens in the next 60 days; in an emergency start with "override": {"reason": "...", "ticket": "..."}',
    );
  });
});
