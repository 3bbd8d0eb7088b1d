import * as fs from 'fs';
import * as path from 'path';
// Gives settings() every configuration schema, as validate-input's bundle has them.
import '../../../lambda/shared/cutover-config';
import { HANDLER_DEFAULTS, HANDLER_ENV, HandlerTask, parseSettings } from '../../../lambda/shared/settings';
import { MisconfiguredFunction } from '../../../lambda/shared/errors';

/**
 * A function carries and builds the schemas of the settings it may read and no
 * others: the cutover and change-control schemas (cutover-config.ts) only in the
 * functions that read CHANGE_CONTROL or the whole of CUTOVER_DEFAULTS.
 */
describe('the settings schemas a handler loads', () => {
  const LAMBDA = path.join(__dirname, '..', '..', '..', 'lambda');
  const tasks = fs.readdirSync(LAMBDA).filter((d) => d !== 'shared' && fs.existsSync(path.join(LAMBDA, d, 'index.ts')));

  it.each(tasks)('%s loads cutover-config only if it reads its settings', (task) => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('../../../lambda/shared/cutover-config', () => {
        loaded = true;
        return jest.requireActual('../../../lambda/shared/cutover-config');
      });
      // Loading the handler builds the schemas of its settings (prepareSettings): one it lacks fails here.
      expect(() => jest.requireActual(path.join(LAMBDA, task))).not.toThrow();
    });
    jest.dontMock('../../../lambda/shared/cutover-config');
    const env = (HANDLER_ENV[task as HandlerTask] ?? []) as readonly string[];
    expect(loaded).toBe(env.includes('CHANGE_CONTROL') || (env.includes('CUTOVER_DEFAULTS') && !(task in HANDLER_DEFAULTS)));
  });

  it('fails as MisconfiguredFunction, naming the module, when a handler lacks the schema of a setting it reads', () => {
    jest.isolateModules(() => {
      const settings = jest.requireActual('../../../lambda/shared/settings') as typeof import('../../../lambda/shared/settings');
      expect(() => settings.prepareSettings('smoke-test')).toThrow(/CUTOVER_DEFAULTS.smoke: this function has no schema for it; its handler must import lambda\/shared\/smoke-config/);
      expect(() => settings.prepareSettings('alarm-handler')).toThrow(/CUTOVER_DEFAULTS.judge: this function has no schema for it; its handler must import lambda\/shared\/judge-config/);
      expect(() => settings.prepareSettings('validate-input')).toThrow(/(CUTOVER_DEFAULTS|CHANGE_CONTROL): this function has no schema for it; its handler must import lambda\/shared\/cutover-config/);
      expect(() => settings.prepareSettings('traffic')).not.toThrow();
    });
  });
});

describe('settings bundled into a function', () => {
  const bundled = { CUTOVER_DEFAULTS: JSON.stringify({ smoke: { checks: 'as synth left it' } }) };

  it('are taken as they are: synth checked them (lib/bundled-settings.ts), and they are code', () => {
    expect(parseSettings({}, 'smoke-test', bundled).defaults.smoke).toEqual({ checks: 'as synth left it' });
    expect(parseSettings({}, 'preflight', { GATING_ALARMS_BLUE: 'a, b' }).colors.blue.gatingAlarms).toEqual(['a', 'b']);
  });

  it('give way to the environment, whose value is validated', () => {
    expect(() => parseSettings(bundled, 'smoke-test', bundled).defaults).toThrow(/^CUTOVER_DEFAULTS: /);
    expect(parseSettings({ CUTOVER_DEFAULTS: '{}' }, 'smoke-test', bundled).defaults.smoke).toEqual({ checks: [] });
  });

  it('still fail loudly when their text is not JSON', () => {
    expect(() => parseSettings({}, 'smoke-test', { CUTOVER_DEFAULTS: '{' }).defaults).toThrow('CUTOVER_DEFAULTS: not JSON');
  });

  it('need no schema as the function loads, unless the environment overrides them', () => {
    jest.isolateModules(() => {
      const settings = jest.requireActual('../../../lambda/shared/settings') as typeof import('../../../lambda/shared/settings');
      expect(() => settings.prepareSettings('smoke-test', {}, { CUTOVER_DEFAULTS: '{}' })).not.toThrow();
      expect(() => settings.prepareSettings('smoke-test', { CUTOVER_DEFAULTS: '{}' }, { CUTOVER_DEFAULTS: '{}' })).toThrow(/must import lambda\/shared\/smoke-config/);
    });
  });

  // A module giving the schema of a field must not build it as it loads: a function reading that field from its bundle never needs it.
  it.each([
    ['smoke-config', (m: any) => m.smokeSchemas()],
    ['pause-config', (m: any) => m.pauseConfigSchema()],
    ['cutover-fields', (m: any) => m.cutoverFieldSchemas()],
    ['judge-config', (m: any) => m.judgeSchemas()],
  ])('%s builds its schemas when first asked, once', (name, ask) => {
    jest.isolateModules(() => {
      const real = jest.requireActual('../../../lambda/shared/zod');
      const built = jest.fn();
      // Every schema of these modules is either an object or a default.
      jest.doMock('../../../lambda/shared/zod', () => ({ ...real, strictObject: (...a: any[]) => (built(), real.strictObject(...a)), _default: (...a: any[]) => (built(), real._default(...a)) }));
      const m = jest.requireActual(`../../../lambda/shared/${name}`);
      expect(built).not.toHaveBeenCalled();
      const first = ask(m);
      expect(built).toHaveBeenCalled();
      expect(ask(m)).toBe(first);
    });
    jest.dontMock('../../../lambda/shared/zod');
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
    expect(() => parseSettings(defaults({ bakeSeconds: -1 }), 'validate-input', {}).defaults).toThrow(/CUTOVER_DEFAULTS/);
    expect(parseSettings(defaults({}), 'validate-input', {}).defaults.bakeSeconds).toBe(300);
  });

  it('gives the alarm handler the judge alone', () => {
    const s = parseSettings(defaults({ bakeSeconds: -1, judge: { onBothBad: 'hold' } }), 'alarm-handler', {});
    expect(s.defaults.judge.onBothBad).toBe('hold');
    expect(s.defaults.judge.confidence).toBe(0.99);
    expect(() => s.defaults.bakeSeconds).toThrow(/alarm-handler reads CUTOVER_DEFAULTS.bakeSeconds, which it does not validate/);
    expect(() => parseSettings(defaults({ judge: { onBothBad: 'pause' } }), 'alarm-handler', {}).defaults).toThrow(/judge.onBothBad must be "rollback" or "hold"/);
  });
});

describe('variables read from text: numbers as Number() reads them, lists split at commas, JSON parsed', () => {
  const read = (env: Record<string, string>) => parseSettings(env, undefined, {});

  it('reads numbers, with their defaults and checks', () => {
    expect(read({ POLL_MS: '250' }).pollMs).toBe(250);
    expect(read({}).pollMs).toBe(2000);
    expect(read({}).stickinessSeconds).toBeUndefined();
    expect(read({ STICKINESS_SECONDS: '60' }).stickinessSeconds).toBe(60);
    expect(read({ TARGET_P95_SECONDS: '0.25' }).checkpointTargets.p95Seconds).toBe(0.25);
    expect(() => read({ POLL_MS: 'soon' }).pollMs).toThrow(/^POLL_MS: Invalid input: expected number, received NaN$/);
    expect(() => read({ POLL_MS: '' }).pollMs).toThrow(/^POLL_MS: Too small: expected number to be >=1$/);
    expect(() => read({ STICKINESS_SECONDS: '1.5' }).stickinessSeconds).toThrow(/^STICKINESS_SECONDS: Invalid input: expected int, received number$/);
  });

  it('splits lists', () => {
    expect(read({ GATING_ALARMS_BLUE: 'a, b,,c ' }).colors.blue.gatingAlarms).toEqual(['a', 'b', 'c']);
    expect(read({}).operatorCidrs).toEqual([]);
    expect(() => read({}).colors.green.gatingAlarms).toThrow(/^GATING_ALARMS_GREEN: Invalid input: expected array, received undefined$/);
  });

  it('parses JSON, and says when a variable is not JSON', () => {
    expect(read({}).dns).toBeUndefined();
    expect(() => read({ DNS_CUTOVER: '{' }).dns).toThrow(/^DNS_CUTOVER: not JSON$/);
    expect(() => read({ DNS_CUTOVER: '{}' }).dns).toThrow(/^DNS_CUTOVER: Invalid input: expected string, received undefined/);
    expect(read({ ALLOWED_IMAGES: '["repo/app"]' }).allowedImages).toEqual(['repo/app']);
    expect(() => read({ ALLOWED_IMAGES: '[]' }).allowedImages).toThrow(/^ALLOWED_IMAGES: Too small/);
  });
});
