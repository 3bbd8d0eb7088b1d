import fc from 'fast-check';
import { changeDecision, ChangeWindow, inWindow, localTime, nextOpening, openAt, windowCloses } from '../../../lambda/shared/decisions/change-window';
import { checkChangeWindow, planFrom } from '../../../lambda/validate-input';
import { cutoverInputSchema } from '../../../lambda/shared/input';
import { changeControlSchema, handlerDefaultsSchema } from '../../../lambda/shared/cutover-config';

const london: ChangeWindow = { days: ['Mon', 'Tue', 'Wed', 'Thu'], start: '09:00', end: '16:00', timeZone: 'Europe/London' };
const at = (iso: string) => Date.parse(iso);
const yearEnd = { from: '2026-12-20T00:00:00Z', to: '2027-01-04T00:00:00Z', reason: 'year-end' };

describe('change windows across a daylight-saving change', () => {
  // Europe/London moves from GMT to BST at 01:00 UTC on Sunday 28 March 2027.
  it('opens at 09:00 local time on both sides of the change: 09:00 UTC in winter, 08:00 UTC in summer', () => {
    expect(inWindow(at('2027-03-25T08:30:00Z'), london)).toBe(false); // Thursday 08:30 GMT
    expect(inWindow(at('2027-03-25T09:00:00Z'), london)).toBe(true);
    expect(inWindow(at('2027-03-29T08:30:00Z'), london)).toBe(true); // Monday 09:30 BST
    expect(inWindow(at('2027-03-29T07:59:00Z'), london)).toBe(false);
    expect(inWindow(at('2027-03-29T14:59:00Z'), london)).toBe(true); // 15:59 BST
    expect(inWindow(at('2027-03-29T15:00:00Z'), london)).toBe(false); // 16:00 BST
  });

  it('says the window after a Friday evening opens on Monday at 08:00 UTC once the clocks went forward', () => {
    expect(new Date(nextOpening(at('2027-03-26T17:00:00Z'), [london], [])!).toISOString()).toBe('2027-03-29T08:00:00.000Z');
    // And back in October (BST to GMT on Sunday 31 October 2027): 09:00 UTC again.
    expect(new Date(nextOpening(at('2027-10-29T17:00:00Z'), [london], [])!).toISOString()).toBe('2027-11-01T09:00:00.000Z');
  });

  it('reads local time in the window\'s own zone', () => {
    expect(localTime(at('2027-03-29T08:30:00Z'), 'Europe/London')).toEqual({ day: 'Mon', minutes: 9 * 60 + 30 });
    expect(localTime(at('2027-03-29T08:30:00Z'), 'America/New_York')).toEqual({ day: 'Mon', minutes: 4 * 60 + 30 });
  });

  it('a window past midnight belongs to the day it starts on', () => {
    const night: ChangeWindow = { days: ['Sat'], start: '22:00', end: '02:00', timeZone: 'UTC' };
    expect(inWindow(at('2027-03-27T23:00:00Z'), night)).toBe(true); // Saturday 23:00
    expect(inWindow(at('2027-03-28T01:30:00Z'), night)).toBe(true); // Sunday 01:30
    expect(inWindow(at('2027-03-28T23:00:00Z'), night)).toBe(false); // Sunday 23:00
  });
});

describe('nextOpening', () => {
  it('is open itself, and no minute before it (from the start) is', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2026-06-01T00:00:00Z') / 60_000, max: at('2028-06-01T00:00:00Z') / 60_000 }), (minute) => {
        const ms = minute * 60_000;
        const n = nextOpening(ms, [london], [yearEnd])!;
        expect(openAt(n, [london], [yearEnd])).toBe(true);
        // Spot checks: the minute before the opening, if after the start, is closed.
        if (n > ms) expect(openAt(n - 60_000, [london], [yearEnd])).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('skips a freeze: the first window after the year-end freeze is Monday 4 January 2027 at 09:00 GMT', () => {
    expect(new Date(nextOpening(at('2026-12-21T10:00:00Z'), [london], [yearEnd])!).toISOString()).toBe('2027-01-04T09:00:00.000Z');
  });
});

describe('changeDecision', () => {
  const base = { windows: [london], freezes: [yearEnd], overrun: 'warn' as const };
  it('refuses outside every window and in a freeze, naming when the next window opens', () => {
    expect(changeDecision({ ...base, nowMs: at('2027-03-26T17:00:00Z'), expectedEndMs: 0 })).toMatchObject({ ok: false, error: 'OutsideChangeWindow', nextOpensMs: at('2027-03-29T08:00:00Z'), message: expect.stringContaining('the next window opens at 2027-03-29T08:00Z') });
    expect(changeDecision({ ...base, nowMs: at('2026-12-21T10:00:00Z'), expectedEndMs: 0 })).toMatchObject({ ok: false, error: 'ChangeFreeze', message: expect.stringContaining('year-end') });
  });

  it('an override lets an emergency through, saying what it overrode', () => {
    const v = changeDecision({ ...base, nowMs: at('2026-12-21T10:00:00Z'), expectedEndMs: 0, override: { reason: 'payment outage fix', ticket: 'INC-4711' } });
    expect(v).toMatchObject({ ok: true, overridden: { error: 'ChangeFreeze' }, warnings: [expect.stringContaining('INC-4711')] });
  });

  it('warns, or refuses when configured, when the cutover would outlast the window', () => {
    const now = at('2027-03-29T14:00:00Z'); // 15:00 BST, the window closes at 15:00 UTC
    expect(windowCloses(now, [london])).toBe(at('2027-03-29T15:00:00Z'));
    expect(changeDecision({ ...base, nowMs: now, expectedEndMs: now + 2 * 3600_000 })).toMatchObject({ ok: true, warnings: [expect.stringContaining('after the change window closes at 2027-03-29T15:00Z')] });
    expect(changeDecision({ ...base, overrun: 'refuse', nowMs: now, expectedEndMs: now + 2 * 3600_000 })).toMatchObject({ ok: false, error: 'WindowTooShort' });
    expect(changeDecision({ ...base, nowMs: now, expectedEndMs: now + 30 * 60_000 })).toEqual({ ok: true, warnings: [], windowClosesMs: at('2027-03-29T15:00:00Z') });
  });

  it('with no windows and no freezes, is always open', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4e12 }), (ms) => expect(changeDecision({ windows: [], freezes: [], overrun: 'refuse', nowMs: ms, expectedEndMs: ms + 1e9 }).ok).toBe(true)));
  });
});

describe('validate-input checks the windows before anything changes', () => {
  const defaults = handlerDefaultsSchema.parse({});
  const cc = changeControlSchema.parse({ changeWindows: [london], freezes: [yearEnd] });
  const input = (raw: object) => cutoverInputSchema.parse({ reason: 'release 1.43', ...raw });
  const check = (raw: object, nowMs: number) => checkChangeWindow(planFrom(input(raw), defaults), input(raw), cc, nowMs);

  it('refuses with the named error, and records an override in the plan for pre-flight', () => {
    expect(() => check({}, at('2027-03-26T17:00:00Z'))).toThrow(expect.objectContaining({ name: 'OutsideChangeWindow' }));
    expect(() => check({}, at('2026-12-24T10:00:00Z'))).toThrow(expect.objectContaining({ name: 'ChangeFreeze' }));
    const plan = check({ override: { reason: 'payment outage fix', ticket: 'INC-4711' } }, at('2026-12-24T10:00:00Z'));
    expect(plan.changeControl?.override).toMatchObject({ reason: 'payment outage fix', ticket: 'INC-4711', error: 'ChangeFreeze' });
  });

  it('refuses an override without a ticket', () => {
    expect(() => input({ override: { reason: 'urgent fix' } })).toThrow();
  });
});
