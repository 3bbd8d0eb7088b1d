import fc from 'fast-check';
import { COLORS, Color, otherColor } from '../../../lambda/shared/colors';
import { stickinessFor } from '../../../lambda/shared/decisions/stickiness';
import { percentOf, soleColor, Weights, weightsAt } from '../../../lambda/shared/decisions/weights';

const color = fc.constantFrom<Color>(...COLORS);
const percent = fc.integer({ min: 0, max: 1000 }).map((t) => t / 10);
const seconds = fc.integer({ min: 1, max: 604_800 });

describe('stickinessFor', () => {
  it('keeps the configured duration on a split that moves traffic onto the new color', () => {
    expect(stickinessFor({ from: weightsAt(10, 'green'), to: weightsAt(50, 'green'), newColor: 'green' }, 3600)).toBe(3600);
    // The first shift of a cutover: nothing before it to compare with.
    expect(stickinessFor({ to: weightsAt(10, 'green'), newColor: 'green' }, 600)).toBe(600);
  });

  it('turns stickiness off for a rollback, a step down and all traffic on one color', () => {
    expect(stickinessFor({ from: weightsAt(50, 'green'), to: weightsAt(100, 'blue'), newColor: 'green' }, 3600)).toBeUndefined();
    expect(stickinessFor({ from: weightsAt(50, 'green'), to: weightsAt(25, 'green'), newColor: 'green' }, 3600)).toBeUndefined();
    // Promotion: a cookie for the old color would keep its holders there, and on it after scale-down.
    expect(stickinessFor({ from: weightsAt(50, 'green'), to: weightsAt(100, 'green'), newColor: 'green' }, 3600)).toBeUndefined();
    expect(stickinessFor({ to: weightsAt(100, 'blue'), newColor: 'green' }, 3600)).toBeUndefined();
  });

  it('is off when the configuration has no stickiness', () => {
    expect(stickinessFor({ from: weightsAt(10, 'blue'), to: weightsAt(50, 'blue'), newColor: 'blue' }, undefined)).toBeUndefined();
  });

  it('over every change: on exactly when traffic stays split and the new color does not lose share, and then at the configured duration', () => {
    fc.assert(
      fc.property(fc.option(percent, { nil: undefined }), percent, color, seconds, (fromPct, toPct, newColor, configured) => {
        const from: Weights | undefined = fromPct === undefined ? undefined : weightsAt(fromPct, newColor);
        const to = weightsAt(toPct, newColor);
        const got = stickinessFor({ from, to, newColor }, configured);
        const split = soleColor(to) === undefined;
        const notDown = from === undefined || percentOf(to, newColor) >= percentOf(from, newColor);
        expect(got).toBe(split && notDown ? configured : undefined);
        // Whatever the change, a color left with weight 0 never keeps its cookie holders.
        if (to.blue === 0 || to.green === 0) expect(got).toBeUndefined();
        // A rollback (all traffic onto the other color) always clears it.
        expect(stickinessFor({ from, to: weightsAt(100, otherColor(newColor)), newColor }, configured)).toBeUndefined();
      }),
    );
  });
});
