import { Color, otherColor } from '../colors';

/** Absolute production weights of both colors; ALB accepts 0-999 per target group. */
export type Weights = Readonly<Record<Color, number>>;

export const MAX_WEIGHT = 999;

/**
 * Weights that put `percent` of traffic on `newColor` and the rest on the other
 * color: out of 100 for whole percents, out of 1000 for a step with a decimal
 * (0.5% is 5 against 995), which ALB's 0-999 weights hold exactly.
 */
export function weightsAt(percent: number, newColor: Color): Weights {
  const tenths = Math.round(percent * 10);
  if (!(percent >= 0 && percent <= 100) || Math.abs(percent * 10 - tenths) > 1e-9) {
    throw new RangeError(`a step is a percent from 0 to 100 with at most one decimal, got ${percent}`);
  }
  const old = otherColor(newColor);
  if (tenths % 10 === 0) return { [newColor]: tenths / 10, [old]: 100 - tenths / 10 } as Weights;
  return { [newColor]: tenths, [old]: 1000 - tenths } as Weights;
}

/** The new color's share of traffic in percent, from weights (one decimal). */
export function percentOf(w: Weights, newColor: Color): number {
  const total = w.blue + w.green;
  return total === 0 ? 0 : Math.round((1000 * w[newColor]) / total) / 10;
}

/** Every bit of traffic back on `previous`. */
export function rollbackWeights(previous: Color): Weights {
  return weightsAt(100, previous);
}

/**
 * Rejects what the ALB would reject, and what an emulator would wrongly
 * accept: negative, fractional or over-999 weights, and all-zero forwards.
 */
export function validateWeights(w: Weights): void {
  for (const [color, v] of Object.entries(w)) {
    if (!Number.isInteger(v) || v < 0 || v > MAX_WEIGHT) {
      throw new RangeError(`weight of ${color} must be a whole number from 0 to ${MAX_WEIGHT}, got ${v}`);
    }
  }
  if (w.blue + w.green <= 0) throw new RangeError('at least one color must have a weight above 0');
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return a.blue === b.blue && a.green === b.green;
}

/** The color holding all traffic, or undefined while traffic is split. */
export function soleColor(w: Weights): Color | undefined {
  if (w.blue > 0 && w.green === 0) return 'blue';
  if (w.green > 0 && w.blue === 0) return 'green';
  return undefined;
}

/** Ramp steps for a strategy: canary uses the environment's steps. */
export function stepsFor(strategy: 'canary' | 'linear' | 'all-at-once', canarySteps: readonly number[]): number[] {
  switch (strategy) {
    case 'canary':
      return [...canarySteps];
    case 'linear':
      return [20, 40, 60, 80, 100];
    case 'all-at-once':
      return [100];
  }
}
