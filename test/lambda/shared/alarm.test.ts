import fc from 'fast-check';
import { COLORS, Color, otherColor } from '../../../lambda/shared/colors';
import { alarmDecision, AlarmFacts, RunningCutover } from '../../../lambda/shared/decisions/alarm';
import { weightsAt } from '../../../lambda/shared/decisions/weights';

const color = fc.constantFrom<Color>(...COLORS);
const alarms = { blue: 'svc-blue-rollback', green: 'svc-green-rollback' } as const;
const state = fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA', undefined);

/** Any facts about a rollback-alarm event: either color, any share, with or without a cutover either way round. */
const facts = fc
  .record({
    alarming: color,
    share: fc.integer({ min: 0, max: 100 }),
    newColor: fc.option(color, { nil: undefined }),
    age: fc.integer({ min: 0, max: 400_000 }),
    startedBefore: fc.integer({ min: -100_000, max: 100_000 }),
    hold: fc.boolean(),
    other: state,
    comparison: state,
    rolledBack: fc.boolean(),
  })
  .map(({ alarming, share, newColor, age, startedBefore, hold, other, comparison, rolledBack }): AlarmFacts & { alarming: Color } => {
    const changedAtMs = 10_000_000;
    const cutover: RunningCutover | undefined = newColor && { executionId: 'exec-1', previousColor: otherColor(newColor), newColor, startedAtMs: changedAtMs - startedBefore, ...(rolledBack ? { rolledBackAtMs: changedAtMs - 1 } : {}) };
    return { alarming, alarmName: alarms[alarming], state: 'ALARM', changedAtMs, nowMs: changedAtMs + age, maxAgeMs: 300_000, rollbackAlarms: alarms, weights: weightsAt(share, alarming), cutover, holdWhenBothBad: hold, otherAlarmState: other, comparisonAlarmState: comparison };
  });

describe('alarm decision: an alarm on the previous color while a cutover runs', () => {
  const cutover: RunningCutover = { executionId: 'exec-1', previousColor: 'blue', newColor: 'green', startedAtMs: 900_000 };
  const base: AlarmFacts = { alarmName: 'svc-blue-rollback', state: 'ALARM', changedAtMs: 1_000_000, nowMs: 1_010_000, maxAgeMs: 300_000, rollbackAlarms: alarms, weights: { blue: 90, green: 10 }, cutover };

  it('notifies, naming the previous color, and moves nothing', () => {
    expect(alarmDecision(base)).toEqual({ action: 'notify', alarmColor: 'blue', reason: 'blue is the color the running cutover would fall back to; rolling back cannot help' });
  });

  it('notifies in hold mode too, whatever the other alarms say', () => {
    for (const s of ['ALARM', 'OK', undefined]) {
      expect(alarmDecision({ ...base, holdWhenBothBad: true, otherAlarmState: s, comparisonAlarmState: s })).toMatchObject({ action: 'notify', alarmColor: 'blue' });
    }
  });

  it('with no cutover the same alarm rolls blue back onto green (the guard is about the running cutover only)', () => {
    expect(alarmDecision({ ...base, cutover: undefined })).toEqual({ action: 'rollback', alarmColor: 'blue', target: 'green', reason: 'svc-blue-rollback in ALARM with no cutover running' });
  });

  it('property: during a cutover, no alarm ever rolls back onto the new color or away from the previous one', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const d = alarmDecision(f);
        if (f.cutover && d.action === 'rollback') {
          expect(d.alarmColor).toBe(f.cutover.newColor);
          expect(d.target).toBe(f.cutover.previousColor);
        }
        // An alarm on the previous color that is acted on at all is only ever a notification.
        if (f.cutover && f.alarming === f.cutover.previousColor) expect(d.action).not.toBe('rollback');
        if (d.action === 'rollback') expect(d.target).toBe(otherColor(f.alarming));
      }),
    );
  });

  it('property: a fresh alarm on the previous color during a cutover, with traffic on it, always notifies', () => {
    fc.assert(
      fc.property(facts, (f) => {
        fc.pre(f.cutover !== undefined && f.alarming === f.cutover.previousColor && f.weights[f.alarming] > 0);
        fc.pre(f.nowMs - f.changedAtMs <= f.maxAgeMs && f.changedAtMs >= f.cutover!.startedAtMs);
        expect(alarmDecision(f)).toMatchObject({ action: 'notify', alarmColor: f.alarming, reason: expect.stringContaining('fall back to') });
      }),
    );
  });
});

describe('alarm decision: every rule, exactly', () => {
  const cutover: RunningCutover = { executionId: 'exec-9', previousColor: 'blue', newColor: 'green', startedAtMs: 900_000 };
  const base: AlarmFacts = { alarmName: 'svc-green-rollback', state: 'ALARM', changedAtMs: 1_000_000, nowMs: 1_010_000, maxAgeMs: 300_000, rollbackAlarms: alarms, weights: { blue: 90, green: 10 }, cutover };

  it('names the alarm it does not know', () => {
    expect(alarmDecision({ ...base, alarmName: 'x' })).toEqual({ action: 'ignore', reason: 'x is not a rollback alarm of this service' });
  });
  it('names the state it ignores', () => {
    expect(alarmDecision({ ...base, state: 'OK' })).toEqual({ action: 'ignore', reason: 'svc-green-rollback went to OK' });
  });
  it('an event exactly at the age limit counts; one millisecond past does not, and says how old it is', () => {
    expect(alarmDecision({ ...base, nowMs: base.changedAtMs + 300_000 }).action).toBe('rollback');
    expect(alarmDecision({ ...base, nowMs: base.changedAtMs + 300_001 })).toEqual({ action: 'ignore', reason: 'the event is 300 s old, past the 300 s limit' });
  });
  it('an event at the cutover start counts; one millisecond before it does not', () => {
    expect(alarmDecision({ ...base, cutover: { ...cutover, startedAtMs: base.changedAtMs } }).action).toBe('rollback');
    expect(alarmDecision({ ...base, cutover: { ...cutover, startedAtMs: base.changedAtMs + 1 } })).toEqual({ action: 'ignore', reason: 'the event predates the running cutover' });
  });
  it('a color without traffic notifies, and says so', () => {
    expect(alarmDecision({ ...base, weights: { blue: 100, green: 0 } })).toEqual({ action: 'notify', alarmColor: 'green', reason: 'green takes no traffic; nothing to roll back' });
  });
  it('the new color rolls back onto the previous one, naming the execution', () => {
    expect(alarmDecision(base)).toEqual({ action: 'rollback', alarmColor: 'green', target: 'blue', reason: 'svc-green-rollback in ALARM during cutover exec-9' });
  });
  it('holds only in hold mode, with the other color in ALARM and the comparison not in ALARM', () => {
    const both = { ...base, holdWhenBothBad: true, otherAlarmState: 'ALARM' };
    expect(alarmDecision(both)).toEqual({ action: 'notify', alarmColor: 'green', reason: "both colors' rollback alarms are in ALARM and green is not worse than blue: holding (judge.onBothBad is hold); the step check rolls back when the hold runs out" });
    expect(alarmDecision({ ...both, comparisonAlarmState: 'INSUFFICIENT_DATA' }).action).toBe('notify');
    expect(alarmDecision({ ...both, otherAlarmState: 'INSUFFICIENT_DATA' }).action).toBe('rollback');
    expect(alarmDecision({ ...both, holdWhenBothBad: undefined }).action).toBe('rollback');
  });
});
