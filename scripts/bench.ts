/**
 * npm run bench: measures what the budgets speak of and prints a table; the
 * JSON report goes to reports/bench.json. Exit code 1 when a budget is missed.
 *
 * - rollback path against moto: alarm event entering the handler to verified weights
 * - cost of a 3-step canary with 5-minute bakes and a 24-hour watch window
 * - each Lambda bundle's size and module initialization time
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
 * BENCH_ONLY=detection or BENCH_ONLY=judging runs only that part;
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
  await moto.reset();
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
    await moto.reset();
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

async function bundles() {
  const out: Record<string, { bytes: number; initMedianMs: number }> = {};
  const dir = path.join(ROOT, 'cdk.out', 'bench');
  for (const task of fs.readdirSync(path.join(ROOT, 'lambda')).filter((d) => d !== 'shared' && fs.existsSync(path.join(ROOT, 'lambda', d, 'index.ts')))) {
    const file = path.join(dir, task, 'index.js');
    // The options TaskFunction gives NodejsFunction.
    await esbuild.build({ entryPoints: [path.join(ROOT, 'lambda', task, 'index.ts')], bundle: true, minify: true, platform: 'node', target: 'node24', format: 'cjs', external: ['@aws-sdk/*'], outfile: file, logLevel: 'silent' });
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = spawnSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], { encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
      if (r.status !== 0) throw new Error(`${task} failed to load: ${r.stderr}`);
      times.push(Number(r.stdout.trim().split('\n').pop()));
    }
    out[task] = { bytes: fs.statSync(file).size, initMedianMs: Math.round(percentile(times, 50)! * 10) / 10 };
  }
  return out;
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
const ONLY: Record<string, { measure: (moto: Moto) => Promise<any>; print: (result: any) => void }> = {
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
    only.print(result);
    const file = `bench-${process.env.BENCH_ONLY}.json`;
    fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'reports', file), JSON.stringify({ at: new Date().toISOString(), node: process.version, [process.env.BENCH_ONLY!]: result }, null, 2));
    console.log(`\nwrote reports/${file}`);
    return 0;
  }
  try {
    console.log(`rollback path: ${RUNS} runs against moto...`);
    const rollback = await rollbackPath(moto);
    console.log('cost: 3-step canary, 5-minute bakes, 24 h and 72 h watch windows...');
    const c = await cost(moto);
    console.log('bundles: size and initialization (median of 10 fresh processes)...');
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
    ['largest bundle (KB)', Math.round(Math.max(...Object.values(report.bundles as Record<string, { bytes: number }>).map((x) => x.bytes)) / 1024), '< 500', Math.max(...Object.values(report.bundles as Record<string, { bytes: number }>).map((x) => x.bytes)) < 500 * 1024],
    ['slowest bundle init (ms)', Math.max(...Object.values(report.bundles as Record<string, { initMedianMs: number }>).map((x) => x.initMedianMs)), '< 150', Math.max(...Object.values(report.bundles as Record<string, { initMedianMs: number }>).map((x) => x.initMedianMs)) < 150],
  ] as const;
  report.budgets = budgets.map(([what, value, limit, ok]) => ({ what, value, limit, ok }));
  fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'reports', 'bench.json'), JSON.stringify(report, null, 2));

  console.log(`\nrollback path (${report.rollback.runs} runs): median ${report.rollback.medianMs} ms, p95 ${report.rollback.p95Ms} ms; AWS calls to verified weights: ${report.rollback.rollbackActionCalls} in the rollback action, ${report.rollback.handlerPathCalls} from the event entering the handler`);
  for (const [k, v] of Object.entries(report.cost as Record<string, { transitions: number; historyEvents: number; costUsd: number }>)) {
    console.log(`cutover, 3-step canary, 5-min bakes, ${k} watch: ${v.transitions} transitions, ~${v.historyEvents} history events, $${v.costUsd.toFixed(5)}`);
  }
  console.log('\nbundle                 size KB   init ms (median of 10)');
  for (const [k, v] of Object.entries(report.bundles as Record<string, { bytes: number; initMedianMs: number }>)) console.log(`${k.padEnd(22)} ${(v.bytes / 1024).toFixed(0).padStart(7)}   ${String(v.initMedianMs).padStart(7)}`);
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
