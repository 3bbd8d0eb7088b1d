import * as z from './zod';

/** What the ramp adds to the execution's JSON (lambda/shared/execution.ts holds the slices). */
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

/** What pre-flight tells later states: whether this cutover ramps DNS. */
export const preflightSliceSchema = z.object({ dns: z.optional(z.object({ ramp: z.boolean() })) });
