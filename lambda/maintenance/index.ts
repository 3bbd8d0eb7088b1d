import * as z from '../shared/zod';
import { handler as wrap } from '../shared/handler';
import { maintenanceExpire, maintenanceOff, maintenanceOn } from '../shared/maintenance';
import { settings } from '../shared/settings';

const eventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('on'), reason: z.string().check(z.minLength(3, 'say why maintenance mode goes on')), by: z._default(z.string(), 'operator') }),
  z.object({ action: z.literal('off'), by: z._default(z.string(), 'operator'), why: z._default(z.string(), 'turned off') }),
  // Sent every minute by a schedule: the bound on how long maintenance can stay on.
  z.object({ action: z.literal('expire') }),
]);

export const handler = wrap('maintenance', eventSchema, async (event) => {
  const s = settings();
  if (event.action === 'on') return maintenanceOn(s, event.reason, event.by);
  if (event.action === 'off') return maintenanceOff(s, event.by, event.why);
  return maintenanceExpire(s);
});
