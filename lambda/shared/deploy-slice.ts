import * as z from './zod';

/** What deploying the idle color adds to the execution's JSON (lambda/shared/execution.ts holds the slices). */
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

/** A caught error, as Step Functions puts it under ResultPath. */
export const caughtErrorSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

