/**
 * Change windows and freezes: whether a cutover may start now, and when the
 * next window opens. Local times come from the platform's Intl time-zone
 * data (IANA zones, daylight-saving transitions included). Pure.
 */

export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Day = (typeof DAYS)[number];

/** A weekly window: on these days (local), from start to end (local HH:MM; an end before the start runs past midnight). */
export interface ChangeWindow {
  readonly days: readonly Day[];
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
}

/** A freeze: no cutover from `from` to `to` (ISO 8601 instants). */
export interface Freeze {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone the platform knows. */
export function knownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local day and minutes after local midnight at `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): { day: Day; minutes: number } {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: get('weekday') as Day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const previousDay = (d: Day): Day => DAYS[(DAYS.indexOf(d) + 6) % 7];

/** Whether `ms` falls inside the window (a window past midnight belongs to the day it starts on). */
export function inWindow(ms: number, w: ChangeWindow): boolean {
  const { day, minutes } = localTime(ms, w.timeZone);
  const start = minutesOf(w.start);
  const end = minutesOf(w.end);
  if (start < end) return w.days.includes(day) && minutes >= start && minutes < end;
  // Overnight: the evening of a listed day, or the early hours after one.
  return (w.days.includes(day) && minutes >= start) || (w.days.includes(previousDay(day)) && minutes < end);
}

/** The freeze in force at `ms`, if any. */
export function freezeAt(ms: number, freezes: readonly Freeze[]): Freeze | undefined {
  return freezes.find((f) => Date.parse(f.from) <= ms && ms < Date.parse(f.to));
}

/** Open to a start at `ms`: inside some window (none configured: always) and in no freeze. */
export function openAt(ms: number, windows: readonly ChangeWindow[], freezes: readonly Freeze[]): boolean {
  return (windows.length === 0 || windows.some((w) => inWindow(ms, w))) && !freezeAt(ms, freezes);
}

/** Looks this far ahead for the next opening (freezes can be long). */
const HORIZON_MS = 60 * 24 * 60 * MINUTE;

/** The first minute at or after `ms` open to a start, or undefined within 60 days. */
export function nextOpening(ms: number, windows: readonly ChangeWindow[], freezes: readonly Freeze[]): number | undefined {
  let t = Math.ceil(ms / MINUTE) * MINUTE;
  const until = ms + HORIZON_MS;
  while (t <= until) {
    const f = freezeAt(t, freezes);
    if (f) {
      t = Math.ceil(Date.parse(f.to) / MINUTE) * MINUTE;
      continue;
    }
    if (openAt(t, windows, freezes)) return t;
    t += MINUTE;
  }
  return undefined;
}

/** When the window open at `ms` closes (the first minute after `ms` outside every window); undefined with no windows. */
export function windowCloses(ms: number, windows: readonly ChangeWindow[]): number | undefined {
  if (windows.length === 0) return undefined;
  let t = Math.floor(ms / MINUTE) * MINUTE + MINUTE;
  const until = ms + 8 * 24 * 60 * MINUTE;
  while (t <= until && windows.some((w) => inWindow(t, w))) t += MINUTE;
  return t;
}

export interface ChangeCheck {
  readonly nowMs: number;
  readonly windows: readonly ChangeWindow[];
  readonly freezes: readonly Freeze[];
  /** An emergency's reason and ticket: lets a start through outside a window or in a freeze. */
  readonly override?: { readonly reason: string; readonly ticket: string };
  /** When the cutover is expected to finish (steps × bake, approvals aside, plus the watch window). */
  readonly expectedEndMs: number;
  /** What an expected end past the window's close does. */
  readonly overrun: 'warn' | 'refuse';
}

export type ChangeVerdict =
  | { readonly ok: true; readonly overridden?: { readonly error: 'OutsideChangeWindow' | 'ChangeFreeze'; readonly message: string }; readonly warnings: string[]; readonly windowClosesMs?: number }
  | { readonly ok: false; readonly error: 'OutsideChangeWindow' | 'ChangeFreeze' | 'WindowTooShort'; readonly message: string; readonly nextOpensMs?: number };

const iso = (ms: number) => new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z');

/** Whether a cutover may start now, what an override lets through, and whether it will finish inside the window. */
export function changeDecision(c: ChangeCheck): ChangeVerdict {
  const freeze = freezeAt(c.nowMs, c.freezes);
  const inside = c.windows.length === 0 || c.windows.some((w) => inWindow(c.nowMs, w));
  const next = () => nextOpening(c.nowMs, c.windows, c.freezes);
  const opens = (n: number | undefined) => (n === undefined ? 'no window opens in the next 60 days' : `the next window opens at ${iso(n)}`);
  let blocked: { error: 'OutsideChangeWindow' | 'ChangeFreeze'; message: string; nextOpensMs?: number } | undefined;
  if (freeze) {
    const n = next();
    blocked = { error: 'ChangeFreeze', message: `a change freeze is in force until ${iso(Date.parse(freeze.to))} (${freeze.reason}); ${opens(n)}`, nextOpensMs: n };
  } else if (!inside) {
    const n = next();
    blocked = { error: 'OutsideChangeWindow', message: `${iso(c.nowMs)} is outside every change window; ${opens(n)}`, nextOpensMs: n };
  }
  if (blocked && !c.override) return { ok: false, ...blocked, message: `${blocked.message}; in an emergency start with "override": {"reason": "...", "ticket": "..."}` };
  if (blocked) return { ok: true, overridden: { error: blocked.error, message: blocked.message }, warnings: [`started with an override (ticket ${c.override!.ticket}): ${blocked.message}`] };
  const closes = windowCloses(c.nowMs, c.windows);
  if (closes !== undefined && c.expectedEndMs > closes) {
    const message = `the cutover is expected to finish at ${iso(c.expectedEndMs)}, after the change window closes at ${iso(closes)}`;
    if (c.overrun === 'refuse' && !c.override) return { ok: false, error: 'WindowTooShort', message: `${message}; start earlier, shorten the plan, or override` };
    return { ok: true, warnings: [message], windowClosesMs: closes };
  }
  return { ok: true, warnings: [], windowClosesMs: closes };
}
