import * as z from './zod';

/**
 * The slices each state adds to the execution's JSON. Every handler parses
 * only the slices it reads, so a state can grow without breaking the others.
 * The lock slice, which most handlers read alone, has its own module: they
 * build no other slice.
 */
export { lockSliceSchema } from './lock-slice';
export type { LockSlice } from './lock-slice';

export const deploySliceSchema = z.object({
  image: z.string(),
  taskDefinition: z.string(),
  desired: z.int(),
  deadlineMs: z.number(),
  previousIdleCount: z.int().check(z.gte(0)),
  previousImage: z.string(),
  previousTaskDefinition: z.string(),
});
export type DeploySlice = z.output<typeof deploySliceSchema>;

export const rampSliceSchema = z.object({
  index: z.int().check(z.gte(0)),
  percent: z.number().check(z.gte(0), z.lte(100)),
  weights: z.object({ blue: z.number(), green: z.number() }),
  shiftedAtMs: z.number(),
  done: z.boolean(),
  /** Record weights read back, when this cutover ramps DNS from a legacy endpoint. */
  dns: z.optional(z.object({ legacy: z.number(), alb: z.number() })),
});
export type RampSlice = z.output<typeof rampSliceSchema>;

export const promotionSliceSchema = z.object({ promotedAtMs: z.number() });

export const watchSliceSchema = z.object({
  elapsedSeconds: z.number(),
  reported: z.array(z.number()),
  nextWaitSeconds: z.int().check(z.gte(0)),
  done: z.boolean(),
});
export type WatchSlice = z.output<typeof watchSliceSchema>;

/** A caught error, as Step Functions puts it under ResultPath. */
export const caughtErrorSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

/** What pre-flight tells later states: whether this cutover ramps DNS. */
export const preflightSliceSchema = z.object({ dns: z.optional(z.object({ ramp: z.boolean() })) });
