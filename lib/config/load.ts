import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { configSchema, SwitchyardConfig } from './schema';

/** Where the example environments live, relative to the repository root. */
export const CONFIG_DIR = path.join(__dirname, '..', '..', 'config');

/** Raised when a configuration file is missing or breaks a rule; the message lists every problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Names of the environments that have a file in the config directory. */
export function listEnvironments(dir: string = CONFIG_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** Formats zod issues as one line per field: `service.desiredCount: <what to do>`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const where = i.path.length > 0 ? i.path.join('.') : '(top level)';
      // A bad record key carries the key rule's own message one level down.
      const message = i.code === 'invalid_key' && i.issues.length > 0 ? i.issues[0].message : i.message;
      return `  - ${where}: ${message}`;
    })
    .join('\n');
}

/** Validates raw configuration and applies defaults; throws ConfigError naming each bad field. */
export function parseConfig(raw: unknown, source: string): SwitchyardConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration in ${source}:\n${formatIssues(result.error.issues)}`);
  }
  return result.data;
}

/** Reads `config/<env>.json` and validates it. */
export function loadConfig(env: string, dir: string = CONFIG_DIR): SwitchyardConfig {
  const file = path.join(dir, `${env}.json`);
  if (!/^[a-z][a-z0-9-]*$/.test(env) || !fs.existsSync(file)) {
    throw new ConfigError(`No configuration for environment "${env}": expected ${file}. Known environments: ${listEnvironments(dir).join(', ')}. Select one with -c env=NAME.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(raw, file);
}
