import * as z from './zod';
import { colorSchema } from './colors';

/** What the lock state adds to the execution's JSON (lambda/shared/execution.ts holds the other slices). */
export const lockSliceSchema = z.object({
  previousColor: colorSchema,
  newColor: colorSchema,
  /** Task count of the live color at the start: the idle color deploys to it and a rollback needs it. */
  liveDesired: z.int().check(z.gte(1)),
  startedAtMs: z.number(),
  expiresAtMs: z.number(),
});
export type LockSlice = z.output<typeof lockSliceSchema>;
