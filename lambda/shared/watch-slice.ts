import * as z from './zod';

/** What promotion and the watch window add to the execution's JSON (lambda/shared/execution.ts holds the slices). */
export const promotionSliceSchema = z.object({ promotedAtMs: z.number() });

export const watchSliceSchema = z.object({
  elapsedSeconds: z.number(),
  reported: z.array(z.number()),
  nextWaitSeconds: z.int().check(z.gte(0)),
  done: z.boolean(),
});
export type WatchSlice = z.output<typeof watchSliceSchema>;
