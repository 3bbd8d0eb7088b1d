import * as z from './zod';
import { giveConfigSchemas } from './settings';

/** `cutover.idleDeadlineSeconds`: how long the idle color may take to become healthy. */
export const idleDeadlineSecondsSchema = z._default(z.int().check(z.gte(1), z.lte(3600)), 900);
/** `cutover.scaleDownOldColor`: scale the old color to zero after the watch window. */
export const scaleDownOldColorSchema = z._default(z.boolean(), true);

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaultsFields: { idleDeadlineSeconds: idleDeadlineSecondsSchema, scaleDownOldColor: scaleDownOldColorSchema } });
