import { isDeepStrictEqual } from 'util';
// Gives settings.ts every configuration schema, so the check never depends on what else synth imported first.
import '../lambda/shared/cutover-config';
import { defaultsFieldsOf, EnvKey, fromText, HANDLER_ENV, HandlerTask, settingSchema } from '../lambda/shared/settings';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What is wrong with the settings bundled into the function of `task`. Its
 * handler does not validate them again at run time (lambda/shared/settings.ts),
 * so each must be one the handler reads (HANDLER_ENV), pass the schema it
 * would use, and be exactly what that schema gives back: defaults filled in,
 * nothing it would drop or change. Empty when all is well.
 */
export function bundledSettingsProblems(task: string, bundled: Readonly<Record<string, string>>): string[] {
  const reads: readonly string[] = task in HANDLER_ENV ? HANDLER_ENV[task as HandlerTask] : [];
  return Object.entries(bundled).flatMap(([key, text]) => {
    if (!reads.includes(key)) return [`${key}: the ${task} handler does not read it (HANDLER_ENV in lambda/shared/settings.ts)`];
    const value = fromText(key, text);
    if ('error' in value) return [`${key}: ${value.error}`];
    const r = settingSchema(key as EnvKey, task as HandlerTask).safeParse(value.value);
    if (!r.success) return [`${key}: ${r.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ')}`];
    // A handler that reads some fields of CUTOVER_DEFAULTS (HANDLER_DEFAULTS) validates those alone.
    const fields: readonly string[] | undefined = key === 'CUTOVER_DEFAULTS' ? defaultsFieldsOf(task as HandlerTask) : undefined;
    const given = fields && isObject(value.value) ? Object.fromEntries(fields.filter((f) => f in (value.value as object)).map((f) => [f, (value.value as Record<string, unknown>)[f]])) : value.value;
    if (isDeepStrictEqual(r.data, given)) return [];
    const differ = isObject(r.data) && isObject(given) ? [...new Set([...Object.keys(r.data), ...Object.keys(given)])].filter((k) => !isDeepStrictEqual((r.data as Record<string, unknown>)[k], given[k])) : [];
    return [`${key}: validation gives a different value${differ.length > 0 ? ` (${differ.join(', ')})` : ''}; bundle the validated value, defaults filled in`];
  });
}
