import { ConfigError, listEnvironments, loadConfig } from '../../lib/config/load';
import { cutoverStages } from '../../lib/config/schema';
import { executionTimeoutSeconds, HISTORY_EVENT_BUDGET, planCost } from '../../lambda/shared/decisions/limits';
import { devWith } from '../helpers/synth';

/** The ConfigError a patched dev config is refused with. */
function refusal(patch: Parameters<typeof devWith>[0]): string {
  try {
    devWith(patch);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('cutover defaults must fit one Step Functions execution', () => {
  it('a 72-hour window ticked every minute is refused, naming the tick', () => {
    expect(refusal((c) => (c.cutover = { ...c.cutover, watchWindowHours: 72, watchTickSeconds: 60, checkpointHours: [] }))).toMatch(
      /cutover: a canary cutover with this environment's defaults does not fit one Step Functions execution: .*history events.*raise cutover.watchTickSeconds/,
    );
  });

  it('a ramp that fits as a canary but not as a linear cutover is refused for linear', () => {
    // 5 linear steps, each baking 30 minutes with up to 8 looks (4 hours), and 72 hours of watch.
    expect(refusal((c) => {
      c.cutover = { ...c.cutover, steps: [50, 100], bakeSeconds: 1800, watchWindowHours: 72, checkpointHours: [] };
      c.judge = { ...c.judge, maxBakeSeconds: 14_400 };
    })).toMatch(/a linear cutover with this environment's defaults does not fit .*its ramp can take/);
  });

  it.each(listEnvironments())('the %s example fits: its default plan well within the history budget and the timeout', (env) => {
    const c = loadConfig(env);
    const window = c.cutover.watchWindowHours * 3600;
    const cost = planCost(
      { steps: c.cutover.steps, bakeSeconds: c.cutover.bakeSeconds, watchWindowSeconds: window, checkpointSeconds: c.cutover.checkpointHours.map((h) => h * 3600), watchTickSeconds: c.cutover.watchTickSeconds, maintenance: !!c.dataSync, dataSync: !!c.dataSync, judge: c.judge },
      cutoverStages(c),
    );
    expect(cost.historyEvents).toBeLessThan(HISTORY_EVENT_BUDGET / 10);
    expect(cost.durationSeconds).toBeLessThan(executionTimeoutSeconds(cutoverStages(c)));
  });
});
