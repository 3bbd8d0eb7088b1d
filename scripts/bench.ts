/**
 * npm run bench: measures what the budgets speak of and prints a table; the
 * JSON report goes to reports/bench.json. Exit code 1 when a budget is missed.
 *
 * - rollback path against moto: alarm event entering the handler to verified weights
 * - cost of a 3-step canary with 5-minute bakes and a 24-hour watch window
 * - each Lambda bundle: its size with and without the SDK, the project's own
 *   initialization against loading the SDK clients (a ratio), and the whole
 *   cold start, with the SDK bundled (as deployed) and with the runtime's copy
 * - wall time of `cdk synth`
 * - detection and blast radius of every trigger drill at 50 to 10,000 requests a
 *   minute and first steps of 1, 5 and 10%, against an alarm-only baseline, and
 *   false rollbacks over seeded healthy runs
 *
 * - the judge: seeded drills over traffic × first step × new-color degradation
 *   (+1 pp, +5 pp, 100% errors, p95 x2), how often the bad color is stopped at
 *   its first step, how many requests it served, and A/A false rollbacks;
 *   beside each, the same with threshold alarms only
 *
 * BENCH_ONLY=bundles, BENCH_ONLY=detection or BENCH_ONLY=judging runs only that part;
 * BENCH_NODE (the Lambda runtime's Node major, fetched once; `local`, or a binary's path)
 * loads the bundles, and BENCH_CONFIG (production) is the config/ file they are built for;
 * BENCH_DETECTION=quick measures at 1,000 requests a minute and a 5% first
 * step; BENCH_SEEDS (5) and BENCH_AA_RUNS (50) set the judging runs.
 */
import '../rehearsal/quiet';
import { spawnSync } from 'child_process';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { callCounter } from '../lambda/shared/adapters/clients';
import { percentile } from '../lambda/shared/decisions/smoke';
import { MAX_WATCH_WINDOW_HOURS } from '../lambda/shared/cutover-config';
import { synthesizedApp } from '../rehearsal/app';
import { listEnvironments, loadConfig } from '../lib/config/load';
import { inProcessApp } from '../lib/context';
import { buildSwitchyard } from '../lib/switchyard';
import { Moto } from '../rehearsal/moto';
import { rehearse, USD_PER_TRANSITION } from '../rehearsal/rehearse';
import { scenario } from '../rehearsal/scenarios';
import { World } from '../rehearsal/world';
import { aaRuns, detectionRuns, falseRollbacks, formatDetection, formatJudging, judgingTable } from '../rehearsal/detection';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 50);

/**
 * Step Functions history events per state entered, by state type: a Lambda
 * Task logs entered, scheduled, started, succeeded and exited; other states
 * entered and exited. Plus ExecutionStarted and the final execution event.
 */
const EVENTS_PER_STATE: Record<string, number> = { Task: 5, Wait: 2, Choice: 2, Pass: 2, Succeed: 2, Fail: 1 };

function historyEvents(states: string[], definition: any): number {
  return 2 + states.reduce((n, s) => n + (EVENTS_PER_STATE[definition.States[s]?.Type] ?? 2), 0);
}

async function rollbackPath(moto: Moto) {
  const world = new World(moto.endpoint);
  await world.build();
  world.clock.uninstall();
  const handler = require('../lambda/alarm-handler').handler;
  const sdk = { endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const elb = new elbv2.ElasticLoadBalancingV2Client(sdk);
  const ssm = new SSMClient(sdk);
  // Green serves everything after a promotion; blue is still healthy at full size.
  await world.setTargets('green', world.desired);
  const durations: number[] = [];
  const pathCalls: number[] = [];
  const actionCalls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await elb.send(new elbv2.ModifyListenerCommand({ ListenerArn: world.listenerArn, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: world.targetGroups.blue, Weight: 0 }, { TargetGroupArn: world.targetGroups.green, Weight: 100 }] } }] }));
    await ssm.send(new PutParameterCommand({ Name: world.names.liveColor, Value: 'green', Type: 'String', Overwrite: true }));
    callCounter.clear();
    const entered = Date.now();
    const out = await handler({ id: `bench-${i}`, time: new Date(entered).toISOString(), 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: world.alarmNames.green, state: { value: 'ALARM', timestamp: new Date(entered).toISOString() } } });
    if (out.action !== 'rollback' || out.result.weights.blue !== 100) throw new Error(`run ${i}: ${JSON.stringify(out)}`);
    durations.push(out.result.verifiedAtMs - entered);
    actionCalls.push(out.result.callsToVerify);
    // Cleared as the event entered: every call the handler made until the weights were verified.
    pathCalls.push(out.result.callCounterAtVerify);
  }
  await world.close();
  return {
    runs: RUNS,
    medianMs: percentile(durations, 50)!,
    p95Ms: percentile(durations, 95)!,
    rollbackActionCalls: Math.max(...actionCalls),
    handlerPathCalls: Math.max(...pathCalls),
  };
}

async function cost(moto: Moto) {
  const defs = synthesizedApp().definitions.cutover.definition;
  const results: Record<string, { transitions: number; historyEvents: number; costUsd: number }> = {};
  for (const hours of [24, MAX_WATCH_WINDOW_HOURS]) {
    const world = new World(moto.endpoint);
    await world.build();
    const s = scenario('happy');
    const rep = await rehearse(world, { ...s, input: { ...s.input, watchWindowHours: hours } });
    await world.close();
    if (!rep.matched) throw new Error(`the ${hours} h cutover did not succeed: ${rep.error} ${rep.cause}`);
    results[`${hours}h`] = { transitions: rep.transitions, historyEvents: historyEvents(rep.statesEntered, defs), costUsd: rep.transitions * USD_PER_TRANSITION };
  }
  return results;
}

/** CPU milliseconds (user + system) a fresh Node process spends in `code`'s timed parts; prints them space-separated. */
const CPU_MS = 'const cpu=()=>{const u=process.cpuUsage();return (u.user+u.system)/1000};';
/**
 * Gives a fresh process V8's gc() as `gc`, before any clock starts, with the flag turned off again:
 * started with --expose-gc, Node rejects its code cache and the SDK loads 30-45 ms slower.
 */
const GC = "const v8=require('v8'),vm=require('vm');v8.setFlagsFromString('--expose-gc');const gc=vm.runInNewContext('gc');v8.setFlagsFromString('--no-expose-gc');";

/** A Node binary the bundles are loaded with, its version, and why that one. */
interface BenchNode {
  readonly bin: string;
  readonly version: string;
  readonly why: string;
}

/**
 * Node of the Lambda runtime's major (FUNCTION_RUNTIME), which is what runs
 * the bundles: the registry's `node-<platform>-<arch>` package of that major,
 * fetched once into node_modules/.cache. BENCH_NODE=local uses the Node
 * running the bench, BENCH_NODE=<path> that binary; without the registry, the
 * local Node, and the header says so.
 */
function benchNode(runtime: string): BenchNode {
  const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
  const local = (why: string): BenchNode => ({ bin: process.execPath, version: process.version, why });
  const asked = process.env.BENCH_NODE;
  if (asked === 'local') return local('BENCH_NODE=local');
  const version = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (asked) return { bin: asked, version: version(asked), why: 'BENCH_NODE' };
  if (!major) return local(`${runtime} is not a Node runtime of Lambda's nodejsNN.x names`);
  if (process.version.startsWith(`v${major}.`)) return local(`the Lambda runtime's major (${runtime})`);
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const dir = path.join(ROOT, 'node_modules', '.cache', 'switchyard-bench', `${pkg}-${major}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const packed = spawnSync('npm', ['pack', `${pkg}@${major}`, '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
    const tgz = packed.stdout?.trim().split('\n').pop();
    const why = (packed.stderr ?? '').split('\n').find((l) => l.startsWith('npm error') && !l.includes('complete log')) ?? `npm pack exited with ${packed.status}`;
    if (packed.status !== 0 || !tgz) return local(`${pkg}@${major} could not be fetched (${why}): the local Node instead of the Lambda runtime's ${major}`);
    const unpacked = spawnSync('tar', ['xzf', tgz], { cwd: dir, encoding: 'utf8' });
    fs.rmSync(path.join(dir, tgz), { force: true });
    if (unpacked.status !== 0 || !fs.existsSync(bin)) return local(`${pkg}@${major} could not be unpacked: the local Node instead of the Lambda runtime's ${major}`);
  }
  return { bin, version: version(bin), why: `the Lambda runtime's major (${runtime}), from the registry's ${pkg} package` };
}

function freshProcesses(node: string, code: string, runs: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(node, ['-e', CPU_MS + code], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
    if (r.status !== 0) throw new Error(`a bundle failed to load: ${r.stderr}`);
    out.push(r.stdout.trim().split('\n').pop()!.split(' ').map(Number));
  }
  return out;
}
const median = (xs: number[]) => Math.round(percentile(xs, 50)! * 10) / 10;

export interface BundleFigures {
  /** The Node version that loaded it (benchNode). */
  readonly node: string;
  /** The config/ file whose control-stack function this is, its bundled settings compiled in; undefined for the functions of other constructs (deploy guard, maintenance page), which bundle none. */
  readonly config?: string;
  /** As deployed (lib/constructs/cutover-functions.ts): the SDK clients bundled, tree-shaken. */
  readonly bytes: number;
  /** The same code with the SDK left to the runtime's copy. */
  readonly bytesWithoutSdk: number;
  /** SDK packages the handler loads as its module initializes. */
  readonly sdkPackages: string[];
  /** CPU ms to load those packages from node_modules (the runtime's copy). */
  readonly sdkLoadMs: number;
  /** CPU ms to initialize the bundle without the SDK once those packages are loaded: the project's own code. */
  readonly ownInitMs: number;
  /**
   * Own-code init over SDK load, taken in each process (both phases run in the same process, so a
   * slower moment of a shared machine slows both) and the median of those; undefined when the
   * handler loads no SDK package.
   */
  readonly ownToSdk?: number;
  /** Whole cold start (module initialization, SDK included), CPU ms: as deployed, and with the runtime's copy. */
  readonly coldStartMs: number;
  readonly coldStartRuntimeSdkMs: number;
}

/**
 * The environment whose functions the bundle figures are of: BENCH_CONFIG, a file of config/ (production).
 * A function it does not deploy (data-sync without a dataSync section) is taken from the first other file that does.
 */
const BENCH_CONFIG = process.env.BENCH_CONFIG ?? 'production';

/**
 * Each handler built as deployed for BENCH_CONFIG (its bundled settings
 * compiled in) and once more with the SDK external, each loaded in
 * BENCH_INIT_RUNS (11) fresh processes; medians of CPU time, which the other
 * work on a shared machine disturbs far less than wall time.
 */
async function bundles(): Promise<Record<string, BundleFigures>> {
  const runs = Number(process.env.BENCH_INIT_RUNS ?? 11);
  const out: Record<string, BundleFigures> = {};
  const dir = path.join(ROOT, 'cdk.out', 'bench');
  const { FUNCTION_BUNDLING, FUNCTION_RUNTIME, bundledSettingsDefine } = await import('../lib/constructs/cutover-functions');
  const node = benchNode(FUNCTION_RUNTIME.name);
  console.log(`bundles loaded with Node ${node.version}: ${node.why}`);
  const configs = [BENCH_CONFIG, ...listEnvironments().filter((e) => e !== BENCH_CONFIG)];
  const deployedBy = configs.map((env) => ({ env, functions: buildSwitchyard(inProcessApp(), loadConfig(env)).control.functions }));
  for (const task of fs.readdirSync(path.join(ROOT, 'lambda')).filter((d) => d !== 'shared' && fs.existsSync(path.join(ROOT, 'lambda', d, 'index.ts')))) {
    const from = deployedBy.find((c) => task in c.functions);
    const deployed = path.join(dir, task, 'index.js');
    const runtimeSdk = path.join(dir, task, 'runtime-sdk.js');
    // The options TaskFunction gives NodejsFunction.
    const options = { entryPoints: [path.join(ROOT, 'lambda', task, 'index.ts')], bundle: true, minify: FUNCTION_BUNDLING.minify, platform: 'node' as const, target: FUNCTION_BUNDLING.target, format: 'cjs' as const, mainFields: FUNCTION_BUNDLING.mainFields, define: bundledSettingsDefine(from?.functions[task].bundledSettings ?? {}), logLevel: 'silent' as const };
    await esbuild.build({ ...options, external: FUNCTION_BUNDLING.externalModules, outfile: deployed });
    const built = await esbuild.build({ ...options, external: ['@aws-sdk/*'], outfile: runtimeSdk, metafile: true });
    const sdkPackages = [...new Set(Object.values(built.metafile!.inputs).flatMap((i) => i.imports.filter((x) => x.external && x.kind === 'import-statement' && x.path.startsWith('@aws-sdk/')).map((x) => x.path)))].sort();
    // The SDK phase ends with a young-generation collection: the SDK's objects fill the nursery, and
    // otherwise whichever phase tips it over pays for collecting them (a 2.1-2.3 ms scavenge inside
    // gate's own code on Node 24).
    const split = freshProcesses(node.bin, `${GC}const a=cpu();${JSON.stringify(sdkPackages)}.forEach((m)=>require(m));gc({type:'minor'});const b=cpu();require(${JSON.stringify(runtimeSdk)});console.log(b-a,cpu()-b)`, runs);
    const cold = (file: string) => median(freshProcesses(node.bin, `const a=cpu();require(${JSON.stringify(file)});console.log(cpu()-a)`, runs).map((x) => x[0]));
    const sdkLoadMs = median(split.map((x) => x[0]));
    const ownInitMs = median(split.map((x) => x[1]));
    out[task] = {
      node: node.version,
      config: from?.env,
      bytes: fs.statSync(deployed).size,
      bytesWithoutSdk: fs.statSync(runtimeSdk).size,
      sdkPackages,
      sdkLoadMs,
      ownInitMs,
      ownToSdk: sdkPackages.length > 0 ? Math.round(percentile(split.map(([sdk, own]) => own / sdk), 50)! * 1000) / 1000 : undefined,
      coldStartMs: cold(deployed),
      coldStartRuntimeSdkMs: cold(runtimeSdk),
    };
  }
  return out;
}

/** The bundle budgets: size without the SDK, own code against SDK loading. */
function bundleBudgets(b: Record<string, BundleFigures>) {
  const entries = Object.entries(b);
  const worst = <K extends 'bytesWithoutSdk' | 'ownToSdk'>(key: K) =>
    entries.filter(([, x]) => x[key] !== undefined).reduce((a, c) => ((c[1][key] as number) > (a[1][key] as number) ? c : a))[0];
  const largest = worst('bytesWithoutSdk');
  const ratio = worst('ownToSdk');
  const bytes = b[largest].bytesWithoutSdk;
  const r = b[ratio].ownToSdk!;
  return [
    [`largest bundle without the SDK (KB): ${largest}`, Math.round(bytes / 1024), '<= 150', bytes <= 150 * 1024],
    [`own-code init / SDK-client load, worst: ${ratio}`, r, '<= 0.1', r <= 0.1],
  ] as const;
}

function printBundles(b: Record<string, BundleFigures>): boolean {
  console.log(`\nbundles of config/${BENCH_CONFIG}.json: KB as deployed (SDK clients and bundled settings compiled in) and without the SDK; CPU ms, median of fresh processes:`);
  console.log('own = the bundle without the SDK, its SDK packages already loaded; sdk = loading those packages from node_modules;');
  console.log('own/sdk = the median of that ratio taken in each process (a slower moment of the machine slows both);');
  console.log('cold = whole module initialization, SDK included: as deployed, and with the runtime\'s copy of the SDK');
  console.log('function               KB  KB-sdk   own ms   sdk ms  own/sdk  cold ms  cold, runtime SDK');
  for (const [k, v] of Object.entries(b)) {
    console.log(`${k.padEnd(18)} ${(v.bytes / 1024).toFixed(0).padStart(6)} ${(v.bytesWithoutSdk / 1024).toFixed(0).padStart(7)} ${String(v.ownInitMs).padStart(8)} ${String(v.sdkLoadMs).padStart(8)} ${(v.ownToSdk === undefined ? 'no SDK' : v.ownToSdk.toFixed(3)).padStart(8)} ${String(v.coldStartMs).padStart(8)} ${String(v.coldStartRuntimeSdkMs).padStart(18)}`);
  }
  for (const [k, v] of Object.entries(b)) if (v.config && v.config !== BENCH_CONFIG) console.log(`${k}: as config/${v.config}.json deploys it (config/${BENCH_CONFIG}.json does not)`);
  const faster = Object.values(b).filter((v) => v.sdkPackages.length > 0);
  const saved = faster.map((v) => v.coldStartRuntimeSdkMs - v.coldStartMs);
  console.log(`bundling the SDK: cold start lower for ${saved.filter((x) => x > 0).length} of ${faster.length} functions that load it, by a median ${median(saved)} ms`);
  let ok = true;
  for (const [what, value, limit, pass] of bundleBudgets(b)) {
    console.log(`${what.padEnd(52)} ${String(value).padEnd(9)} ${limit.padEnd(9)} ${pass ? 'PASS' : 'FAIL'}`);
    ok &&= pass;
  }
  return ok;
}

function synth() {
  const started = performance.now();
  const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '-o', path.join(ROOT, 'cdk.out', 'bench-synth')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cdk synth failed: ${r.stderr}`);
  return { seconds: Math.round((performance.now() - started) / 100) / 10 };
}

async function detection(moto: Moto) {
  const quick = process.env.BENCH_DETECTION === 'quick';
  const rates = quick ? [1000] : [50, 200, 1000, 10_000];
  const steps = quick ? [5] : [1, 5, 10];
  console.log(`detection: every trigger drill at ${rates.join(', ')} requests a minute, first steps ${steps.join(', ')}%, Switchyard and alarm-only...`);
  const started = performance.now();
  const runs = await detectionRuns(moto, { rates, steps });
  console.log(`false rollbacks: seeded healthy runs at ${rates.join(', ')} requests a minute...`);
  const healthy = await falseRollbacks(moto, { rates, runs: quick ? 5 : 20, firstStepPercent: 5 });
  return { runs, healthy, seconds: Math.round((performance.now() - started) / 1000) };
}

async function judging(moto: Moto) {
  const quick = process.env.BENCH_DETECTION === 'quick';
  const rates = quick ? [1000] : [50, 200, 1000, 10_000];
  const steps = quick ? [5] : [1, 5, 10];
  const seeds = Number(process.env.BENCH_SEEDS ?? (quick ? 2 : 5));
  const aa = Number(process.env.BENCH_AA_RUNS ?? (quick ? 5 : 50));
  console.log(`judging: ${rates.length * steps.length * 4 * 2 * seeds} seeded drills, then ${rates.length * 2 * aa} A/A runs...`);
  const started = performance.now();
  const cells = await judgingTable(moto, { rates, steps, seeds });
  const falseRollbacksAA = await aaRuns(moto, { rates, firstStepPercent: 5, runs: aa });
  return { cells, aa: falseRollbacksAA, seeds, seconds: Math.round((performance.now() - started) / 1000) };
}

function printJudging(j: Awaited<ReturnType<typeof judging>>): void {
  console.log(`\njudging the new color (${j.seeds} seeds a cell; production config, 0.3% errors and p95 0.25 s healthy; ${j.seconds} s to measure)`);
  console.log(formatJudging(j.cells));
  console.log('\nA/A false rollbacks (both colors alike, 5% first step): runs not promoted');
  for (const a of j.aa) console.log(`  ${String(a.requestsPerMinute).padStart(6)}/min ${a.mode.padEnd(11)} ${a.runs - a.promoted}/${a.runs}${Object.keys(a.reasons).length > 0 ? ` (${Object.entries(a.reasons).map(([k, v]) => `${v}x ${k}`).join(', ')})` : ''}`);
}

/** The parts BENCH_ONLY can run alone. */
const ONLY: Record<string, { measure: (moto: Moto) => Promise<any>; print: (result: any) => boolean | void }> = {
  bundles: { measure: () => bundles(), print: (r) => printBundles(r) },
  detection: { measure: detection, print: (r) => printDetection(r) },
  judging: { measure: judging, print: (r) => printJudging(r) },
};

async function main(): Promise<number> {
  const moto = await Moto.start(7200);
  let report: any;
  // One part alone: measure it, print it, and write reports/bench-<part>.json.
  const only = ONLY[process.env.BENCH_ONLY ?? ''];
  if (only) {
    let result: any;
    try {
      result = await only.measure(moto);
    } finally {
      await moto.stop();
    }
    const ok = only.print(result) !== false;
    const file = `bench-${process.env.BENCH_ONLY}.json`;
    fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'reports', file), JSON.stringify({ at: new Date().toISOString(), node: process.version, [process.env.BENCH_ONLY!]: result }, null, 2));
    console.log(`\nwrote reports/${file}`);
    return ok ? 0 : 1;
  }
  try {
    console.log(`rollback path: ${RUNS} runs against moto...`);
    const rollback = await rollbackPath(moto);
    console.log('cost: 3-step canary, 5-minute bakes, 24 h and 72 h watch windows...');
    const c = await cost(moto);
    console.log('bundles: size, own-code and SDK initialization, cold start (fresh processes)...');
    const b = await bundles();
    console.log('synthesis: npx cdk synth...');
    const s = synth();
    const d = await detection(moto);
    const j = await judging(moto);
    report = { at: new Date().toISOString(), node: process.version, rollback, cost: c, bundles: b, synth: s, detection: d, judging: j };
  } finally {
    await moto.stop();
  }
  const budgets = [
    ['rollback action AWS calls (previous color healthy)', report.rollback.rollbackActionCalls, '<= 3', report.rollback.rollbackActionCalls <= 3],
    ['rollback path median (ms, against moto)', report.rollback.medianMs, '< 300', report.rollback.medianMs < 300],
    ['3-step canary state transitions (24 h watch)', report.cost['24h'].transitions, '< 100', report.cost['24h'].transitions < 100],
    [`history events, longest watch window (${MAX_WATCH_WINDOW_HOURS} h)`, report.cost[`${MAX_WATCH_WINDOW_HOURS}h`].historyEvents, '< 10000', report.cost[`${MAX_WATCH_WINDOW_HOURS}h`].historyEvents < 10000],
    ...bundleBudgets(report.bundles),
  ] as const;
  report.budgets = budgets.map(([what, value, limit, ok]) => ({ what, value, limit, ok }));
  fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'reports', 'bench.json'), JSON.stringify(report, null, 2));

  console.log(`\nrollback path (${report.rollback.runs} runs): median ${report.rollback.medianMs} ms, p95 ${report.rollback.p95Ms} ms; AWS calls to verified weights: ${report.rollback.rollbackActionCalls} in the rollback action, ${report.rollback.handlerPathCalls} from the event entering the handler`);
  for (const [k, v] of Object.entries(report.cost as Record<string, { transitions: number; historyEvents: number; costUsd: number }>)) {
    console.log(`cutover, 3-step canary, 5-min bakes, ${k} watch: ${v.transitions} transitions, ~${v.historyEvents} history events, $${v.costUsd.toFixed(5)}`);
  }
  printBundles(report.bundles);
  console.log(`\ncdk synth (dev, three stacks, with bundling): ${report.synth.seconds} s`);
  printDetection(report.detection);
  printJudging(report.judging);
  console.log('\nbudget                                               value     limit     ');
  for (const b of report.budgets) console.log(`${b.what.padEnd(52)} ${String(b.value).padEnd(9)} ${b.limit.padEnd(9)} ${b.ok ? 'PASS' : 'FAIL'}`);
  console.log('\nwrote reports/bench.json');
  return report.budgets.every((b: { ok: boolean }) => b.ok) ? 0 : 1;
}

function printDetection(d: { runs: Parameters<typeof formatDetection>[0]; healthy: Awaited<ReturnType<typeof falseRollbacks>>; seconds: number }): void {
  console.log(`\ndetection and blast radius (simulated seconds from fault onset; requests served/failed by the bad color; ${d.seconds} s to measure)`);
  console.log(formatDetection(d.runs));
  console.log('\nfalse rollbacks: healthy runs, both colors alike, 5% first step');
  for (const h of d.healthy) console.log(`  ${String(h.requestsPerMinute).padStart(6)}/min: ${h.promoted}/${h.runs} promoted${Object.keys(h.reasons).length > 0 ? `; not promoted: ${Object.entries(h.reasons).map(([k, v]) => `${v}x ${k}`).join('; ')}` : ''}`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
