import { World } from '../../rehearsal/world';
import { runIn, useMotoWorld } from './moto-world';

// Inside the weekly window but inside the year-end freeze.
const env = useMotoWorld({
  config: { changeWindows: [{ days: ['Mon', 'Tue', 'Wed', 'Thu'], start: '09:00', end: '16:00', timeZone: 'Europe/London' }], freezes: [{ from: '2026-12-20T00:00:00Z', to: '2027-01-04T00:00:00Z', reason: 'year-end' }] },
  startAtMs: Date.parse('2026-12-21T10:00:00Z'),
});
let world: World;
beforeEach(() => {
  world = env.world();
});
const input = { reason: 'release 1.28', image: 'public.ecr.aws/nginx/nginx:1.28', steps: [10, 100], bakeSeconds: 300, watchWindowHours: 0 };

describe('a change freeze', () => {
  it('refuses the start before anything changes: no lock, no ledger entry, no deployment', async () => {
    const r = await runIn(world, input);
    expect({ status: r.status, error: r.error, states: r.states }).toEqual({ status: 'FAILED', error: 'ChangeFreeze', states: ['ValidateInput', 'InvalidInput'] });
    expect(r.cause).toMatch(/until 2027-01-04T00:00Z \(year-end\); the next window opens at 2027-01-04T09:00Z/);
    expect(await world.ledger()).toEqual([]);
    expect(await world.lock()).toBeUndefined();
  });

  it('lets an override through, records it in the ledger and announces it', async () => {
    const r = await runIn(world, { ...input, override: { reason: 'payment outage fix', ticket: 'INC-4711' } });
    expect({ status: r.status, error: r.error, cause: r.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const entry = (await world.ledger()).find((e) => e.type === 'change-override');
    expect(entry?.detail).toMatchObject({ reason: 'payment outage fix', ticket: 'INC-4711', error: 'ChangeFreeze' });
    expect(world.published.some((p) => p.subject.includes('started with an override (ChangeFreeze), ticket INC-4711'))).toBe(true);
    const preflight = (await world.ledger()).find((e) => e.type === 'preflight');
    expect((preflight?.detail.warnings as string[]).some((w) => w.includes('INC-4711'))).toBe(true);
  });
});
