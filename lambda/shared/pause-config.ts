import * as z from './zod';
import { giveConfigSchemas } from './settings';
import { once } from './once';

/** Longest cutover.pause.maxHours: the state machine's timeout leaves this much for pauses. */
export const PAUSE_MAX_HOURS = 24;

// Built on first use: the pause function reads this setting from its bundle, where synth already checked it (settings.ts).
/** `cutover.pause`: how long a held ramp may stay paused before it pages, and before it rolls back. */
const buildPauseSchema = () =>
  z.prefault(
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
/** The schema of `cutover.pause`, built once. */
export const pauseConfigSchema = once(buildPauseSchema);
export type PauseConfig = z.output<ReturnType<typeof pauseConfigSchema>>;

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaultsFields: { pause: pauseConfigSchema } });
