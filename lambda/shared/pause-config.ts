import * as z from './zod';
import { giveConfigSchemas } from './settings';

/** Longest cutover.pause.maxHours: the state machine's timeout leaves this much for pauses. */
export const PAUSE_MAX_HOURS = 24;

/** `cutover.pause`: how long a held ramp may stay paused before it pages, and before it rolls back. */
export const pauseSchema = z.prefault(
  z.strictObject({
    /** A pause held this long pages the critical topic, and again at each such interval. */
    pageAfterMinutes: z._default(z.number().check(z.int('pause.pageAfterMinutes must be whole minutes'), z.gte(5, 'pause.pageAfterMinutes must be at least 5'), z.lte(720, 'pause.pageAfterMinutes must be at most 720')), 60),
    /** Longest a cutover may stay paused, all its pauses together; then it rolls back (PausedTooLong). */
    maxHours: z._default(z.number().check(z.gt(0, 'pause.maxHours must be above 0'), z.lte(PAUSE_MAX_HOURS, `pause.maxHours must be at most ${PAUSE_MAX_HOURS} (the state machine's timeout leaves that much for pauses)`)), 12),
    /** Most pauses one cutover may take. */
    maxPauses: z._default(z.int().check(z.gte(1, 'pause.maxPauses must be at least 1'), z.lte(20, 'pause.maxPauses must be at most 20')), 5),
  }),
  {},
);
export type PauseConfig = z.output<typeof pauseSchema>;

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaultsFields: { pause: pauseSchema } });
