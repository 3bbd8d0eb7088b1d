/**
 * `npm test`'s first step: the type-check (`npm run build`), and beside it,
 * on the core tsc leaves idle, the rehearsal's synth cache filled with every
 * example environment and every drill's config, so jest's test files find
 * those apps there instead of each loading aws-cdk-lib to synthesize its own.
 * Fails when either fails; tsc's output passes through as it comes.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { listEnvironments } from '../lib/config/load';
import { synthesizedApp } from '../rehearsal/app';
import { drillFiles, loadDrill } from '../rehearsal/drills/schema';

const DRILLS = path.join(__dirname, '..', 'drills');

/** The apps the rehearsal synthesizes from the repository's own files: each environment as it is, and each drill's, once each. */
export function rehearsalApps(drillsDir = DRILLS): Array<{ env: string; config?: object }> {
  const apps = new Map<string, { env: string; config?: object }>();
  const add = (env: string, config?: object) => apps.set(`${env}|${JSON.stringify(config ?? null)}`, { env, config });
  for (const env of listEnvironments()) add(env);
  for (const file of drillFiles(drillsDir)) {
    const d = loadDrill(file);
    add(d.environment, d.config);
  }
  return [...apps.values()];
}

/**
 * Runs `work` while the `check` process runs, then waits for the check. Resolves to the exit code: the check's
 * when it failed, 1 when only the work failed (its error printed), else 0.
 */
export async function besideCheck(check: ChildProcess, work: () => void, log: (line: string) => void = console.error): Promise<number> {
  const ended = new Promise<number>((resolve) => {
    check.once('error', (e) => {
      log(`the type-check could not start: ${e.message}`);
      resolve(1);
    });
    check.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  let failed = false;
  try {
    work();
  } catch (e) {
    failed = true;
    log(`filling the synth cache failed: ${(e as Error).stack ?? e}`);
  }
  const code = await ended;
  return code !== 0 ? code : failed ? 1 : 0;
}

if (require.main === module) {
  const check = spawn('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const started = process.hrtime.bigint();
  void besideCheck(check, () => {
    const apps = rehearsalApps();
    for (const a of apps) synthesizedApp(a.env, a.config);
    console.log(`synth cache: ${apps.length} rehearsal apps ready in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  }).then((code) => {
    process.exitCode = code;
  });
}
