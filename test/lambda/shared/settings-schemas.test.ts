import { HANDLER_ENV, HandlerTask } from '../../../lambda/shared/settings';

/**
 * A function builds, as it loads, the schemas of the variables it may read and
 * no others: the cutover and change-control schemas (cutover-config.ts) only in
 * the functions that read CUTOVER_DEFAULTS or CHANGE_CONTROL.
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
    const reads = (HANDLER_ENV[task] as readonly string[]).some((k) => k === 'CUTOVER_DEFAULTS' || k === 'CHANGE_CONTROL');
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
