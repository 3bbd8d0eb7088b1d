import * as z from './zod';
import { giveConfigSchemas } from './settings';
import { once } from './once';

// Built on first use: functions read these settings from their bundle, where synth already checked them (settings.ts).
function build() {
  return {
    /** `cutover.idleDeadlineSeconds`: how long the idle color may take to become healthy. */
    idleDeadlineSeconds: z._default(z.int().check(z.gte(1), z.lte(3600)), 900),
    /** `cutover.scaleDownOldColor`: scale the old color to zero after the watch window. */
    scaleDownOldColor: z._default(z.boolean(), true),
  };
}
/** The schemas of the cutover fields lock, deploy-idle and scale-down read alone, built once. */
export const cutoverFieldSchemas = once(build);

// The functions that read these settings validate them with these schemas (settings.ts).
giveConfigSchemas({ defaultsFields: { idleDeadlineSeconds: () => cutoverFieldSchemas().idleDeadlineSeconds, scaleDownOldColor: () => cutoverFieldSchemas().scaleDownOldColor } });
