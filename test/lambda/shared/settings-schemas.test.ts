import { HANDLER_DEFAULTS, HANDLER_ENV, HandlerTask, parseSettings } from '../../../lambda/shared/settings';
import { MisconfiguredFunction } from '../../../lambda/shared/errors';

/**
 * A function builds, as it loads, the schemas of the variables it may read and
 * no others: the cutover and change-control schemas (cutover-config.ts) only in
 * the functions that read CHANGE_CONTROL or the whole of CUTOVER_DEFAULTS.
 */
describe('prepareSettings', () => {
  const configLoadedBy = (task: string): boolean => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('../../../lambda/shared/cutover-config', () => {
        loaded = true;
        return jest.requireActual('../../../lambda/shared/cutover-config');
      });
      const { prepareSettings } = jest.requireActual('../../../lambda/shared/settings') as typeof import('../../../lambda/shared/settings');
      prepareSettings(task);
    });
    jest.dontMock('../../../lambda/shared/cutover-config');
    return loaded;
  };

  it.each(Object.keys(HANDLER_ENV) as HandlerTask[])('%s loads the cutover schemas only if it reads their variables', (task) => {
    const env = HANDLER_ENV[task] as readonly string[];
    const reads = env.includes('CHANGE_CONTROL') || (env.includes('CUTOVER_DEFAULTS') && !(task in HANDLER_DEFAULTS));
    expect(configLoadedBy(task)).toBe(reads);
  });

  it('builds nothing for a function outside HANDLER_ENV', () => {
    expect(configLoadedBy('deploy-guard')).toBe(false);
  });

  it('still validates a variable whose schema it did not prepare, when read', () => {
    jest.isolateModules(() => {
      const { parseSettings, prepareSettings } = jest.requireActual('../../../lambda/shared/settings') as typeof import('../../../lambda/shared/settings');
      prepareSettings('traffic');
      expect(() => parseSettings({ CUTOVER_DEFAULTS: '{"bakeSeconds":-1}' }, undefined, {}).defaults).toThrow(/CUTOVER_DEFAULTS/);
      expect(parseSettings({ CUTOVER_DEFAULTS: '{}' }, undefined, {}).defaults.bakeSeconds).toBe(300);
    });
  });
});

describe('HANDLER_DEFAULTS: the fields of CUTOVER_DEFAULTS a handler validates alone', () => {
  const defaults = (value: object) => ({ CUTOVER_DEFAULTS: JSON.stringify(value) });

  it('gives the listed fields as the whole schema would, defaults included', () => {
    const s = parseSettings(defaults({ smoke: { checks: [{ name: 'home', path: '/' }] } }), 'smoke-test', {});
    expect(s.defaults.smoke).toEqual({ checks: [{ name: 'home', method: 'GET', path: '/', headers: {}, expectStatus: 200, json: [], maxLatencyMs: 2000 }] });
    expect(parseSettings(defaults({}), 'pause', {}).defaults.pause).toEqual({ pageAfterMinutes: 60, maxHours: 12, maxPauses: 5 });
    expect(parseSettings(defaults({}), 'deploy-idle', {}).defaults.idleDeadlineSeconds).toBe(900);
    expect(parseSettings(defaults({ scaleDownOldColor: false }), 'scale-down', {}).defaults.scaleDownOldColor).toBe(false);
  });

  it('rejects a bad listed field as MisconfiguredFunction, naming it', () => {
    expect(() => parseSettings(defaults({ smoke: { checks: [{ name: 'home', path: 'no-slash' }] } }), 'smoke-test', {}).defaults).toThrow(/CUTOVER_DEFAULTS: smoke checks? paths start with \//);
    expect(() => parseSettings(defaults({ idleDeadlineSeconds: 0 }), 'lock', {}).defaults).toThrow(MisconfiguredFunction);
    expect(() => parseSettings(defaults({ pause: { maxHours: 25 } }), 'pause', {}).defaults).toThrow(/pause.maxHours must be at most 24/);
  });

  it('fails reading a field the handler does not validate, and leaves it unchecked', () => {
    const s = parseSettings(defaults({ bakeSeconds: -1 }), 'smoke-test', {});
    expect(s.defaults.smoke.checks).toEqual([]);
    expect(() => s.defaults.bakeSeconds).toThrow(/smoke-test reads CUTOVER_DEFAULTS.bakeSeconds, which it does not validate; add it to HANDLER_DEFAULTS\['smoke-test'\]/);
  });

  it('validates the whole for the other handlers', () => {
    expect(() => parseSettings(defaults({ bakeSeconds: -1 }), 'alarm-handler', {}).defaults).toThrow(/CUTOVER_DEFAULTS/);
    expect(parseSettings(defaults({}), 'alarm-handler', {}).defaults.bakeSeconds).toBe(300);
  });
});
