import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * A disk cache of what a rehearsal reads from the synthesized app, so the test
 * files and drills that share a configuration synthesize it once between them
 * instead of once each (a synth costs seconds, loading aws-cdk-lib more).
 *
 * An entry is keyed by the content of everything synthesis reads: lib/,
 * lambda/, config/, the CDK context files, the lock file (aws-cdk-lib's
 * version) and this extraction code, with the environment and a drill's
 * config changes. A change to any of them makes a new key, and the entries of
 * other contents are deleted as new ones are written. SWITCHYARD_SYNTH_CACHE=off
 * turns the cache off.
 */
const ROOT = path.join(__dirname, '..');
const DIR = path.join(ROOT, 'node_modules', '.cache', 'switchyard-synth');
const SOURCES = ['lib', 'lambda', 'config', 'cdk.json', 'cdk.context.json', 'package-lock.json', 'rehearsal/app.ts', 'rehearsal/definition.ts', 'rehearsal/synth-cache.ts'];

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .flatMap((e) => files(path.join(entry, e.name)));
}

/** Every file whose content is part of the key, relative to the repository. */
export function synthesisSources(): string[] {
  return SOURCES.flatMap(files).sort();
}

let sources: string | undefined;
/** Hash of every source synthesis reads, computed once per process. */
export function sourcesHash(): string {
  if (sources === undefined) {
    const h = createHash('sha256');
    for (const f of synthesisSources()) h.update(f).update('\0').update(fs.readFileSync(path.join(ROOT, f))).update('\0');
    sources = h.digest('hex').slice(0, 16);
  }
  return sources;
}

const enabled = (): boolean => process.env.SWITCHYARD_SYNTH_CACHE !== 'off' && fs.existsSync(path.join(ROOT, 'node_modules'));

/**
 * The entry for `key` if this content of the sources has one, else `make()`'s result, stored for next time.
 * `at` names another folder and sources hash (tests).
 */
export function cachedSynthesis<T>(key: string, make: () => T, at?: { dir: string; sources: string }): T {
  if (!at && !enabled()) return make();
  const dir = at?.dir ?? DIR;
  const prefix = `${at?.sources ?? sourcesHash()}-`;
  const file = path.join(dir, `${prefix}${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
  if (fs.existsSync(file)) {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; value: T };
    // A hash collision of two keys would hand one drill another's app: compare the key itself.
    if (entry.key === key) return entry.value;
  }
  const value = make();
  fs.mkdirSync(dir, { recursive: true });
  for (const stale of fs.readdirSync(dir).filter((f) => !f.startsWith(prefix))) fs.rmSync(path.join(dir, stale), { force: true });
  // Written whole, then renamed: another jest worker never reads half an entry.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ key, value }));
  fs.renameSync(tmp, file);
  return value;
}
