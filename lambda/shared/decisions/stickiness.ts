import { Color } from '../colors';
import { percentOf, soleColor, Weights } from './weights';

/** A listener change: the weights before it (undefined when unknown), after it, and the color being released. */
export interface ListenerChange {
  readonly from?: Weights;
  readonly to: Weights;
  readonly newColor: Color;
}

/**
 * Group stickiness (seconds; undefined: off) to write in the same ModifyListener
 * call as `change`. A stickiness cookie outranks the weights: while it is on, a
 * pinned client stays on its color even at weight 0. So it is on only while
 * traffic is split and the new color's share is not going down: a rollback, a
 * step down and a move of all traffic onto one color (promotion included) turn
 * it off, so every client follows the weights; the next split turns it on again.
 */
export function stickinessFor(change: ListenerChange, configuredSeconds: number | undefined): number | undefined {
  if (configuredSeconds === undefined || configuredSeconds <= 0) return undefined;
  if (soleColor(change.to) !== undefined) return undefined;
  if (change.from !== undefined && percentOf(change.to, change.newColor) < percentOf(change.from, change.newColor)) return undefined;
  return configuredSeconds;
}
