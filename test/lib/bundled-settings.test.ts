import { App, Stack } from 'aws-cdk-lib';
// Gives settings.ts every configuration schema, as synth has them.
import { handlerDefaultsSchema } from '../../lambda/shared/cutover-config';
import { bundledSettingsProblems } from '../../lib/bundled-settings';
import { TaskFunction } from '../../lib/constructs/cutover-functions';

const validated = handlerDefaultsSchema.parse({ smoke: { checks: [{ name: 'home', path: '/' }] } });
const defaults = (value: unknown) => ({ CUTOVER_DEFAULTS: JSON.stringify(value) });

/**
 * A handler takes what is bundled into its function as it is (settings.ts):
 * synth must refuse anything its own validation would refuse, fill in or drop.
 */
describe('bundledSettingsProblems', () => {
  it('finds nothing in settings that are exactly what validation gives', () => {
    expect(bundledSettingsProblems('validate-input', defaults(validated))).toEqual([]);
    expect(bundledSettingsProblems('alarm-handler', defaults(validated))).toEqual([]);
    expect(bundledSettingsProblems('smoke-test', defaults(validated))).toEqual([]);
    expect(bundledSettingsProblems('preflight', { GATING_ALARMS_BLUE: 'a,b', GATING_ALARMS_GREEN: '' })).toEqual([]);
    expect(bundledSettingsProblems('maintenance-page', {})).toEqual([]);
  });

  it('refuses a setting the handler does not read', () => {
    expect(bundledSettingsProblems('backup', defaults(validated))).toEqual(['CUTOVER_DEFAULTS: the backup handler does not read it (HANDLER_ENV in lambda/shared/settings.ts)']);
    expect(bundledSettingsProblems('maintenance-page', { ALLOWED_IMAGES: '["repo"]' })).toHaveLength(1);
  });

  it('refuses text that is not JSON, and a value the schema refuses, naming where', () => {
    expect(bundledSettingsProblems('validate-input', { CUTOVER_DEFAULTS: '{steps' })).toEqual(['CUTOVER_DEFAULTS: not JSON']);
    expect(bundledSettingsProblems('smoke-test', defaults({ ...validated, smoke: { checks: [{ name: 'home', path: 'no-slash' }] } }))).toEqual([
      'CUTOVER_DEFAULTS: smoke.checks.0.path: smoke check paths start with /',
    ]);
    expect(bundledSettingsProblems('validate-input', { ALLOWED_IMAGES: '[]' })[0]).toMatch(/^ALLOWED_IMAGES: \(value\): /);
  });

  it('refuses a value validation would change: a default not filled in, naming the fields', () => {
    expect(bundledSettingsProblems('smoke-test', defaults({ smoke: {} }))).toEqual(['CUTOVER_DEFAULTS: validation gives a different value (smoke); bundle the validated value, defaults filled in']);
    const { pause: _pause, bakeSeconds: _bake, ...rest } = validated;
    expect(bundledSettingsProblems('validate-input', defaults(rest))).toEqual(['CUTOVER_DEFAULTS: validation gives a different value (bakeSeconds, pause); bundle the validated value, defaults filled in']);
  });

  it('compares only the fields a HANDLER_DEFAULTS handler validates: it cannot read the others', () => {
    expect(bundledSettingsProblems('smoke-test', defaults({ smoke: validated.smoke, bakeSeconds: 'unread' }))).toEqual([]);
    expect(bundledSettingsProblems('pause', defaults({ smoke: {}, pause: validated.pause }))).toEqual([]);
    expect(bundledSettingsProblems('pause', defaults({ smoke: validated.smoke }))).toEqual(['CUTOVER_DEFAULTS: validation gives a different value (pause); bundle the validated value, defaults filled in']);
  });
});

describe('TaskFunction', () => {
  it('refuses, at synth, bundled settings its handler would not take as they are', () => {
    const stack = new Stack(new App(), 'S');
    expect(
      () => new TaskFunction(stack, 'Smoke', { task: 'smoke-test', functionName: 'shop-dev-smoke-test', environment: {}, bundledSettings: defaults({ smoke: { checks: [{ name: 'home', path: '/' }] } }) }),
    ).toThrow("TaskFunction shop-dev-smoke-test: bundled settings must be what the handler's own validation gives: CUTOVER_DEFAULTS: validation gives a different value (smoke); bundle the validated value, defaults filled in");
  });
});
