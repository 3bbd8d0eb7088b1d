/**
 * npm run rehearse [-- --scenario NAME|all] [--drill FILE ...] [--seeds N] [--json FILE] [--html FILE] [--list]
 *
 * Synthesizes the app, starts moto on a free loopback port, builds the data
 * plane through the AWS API from the templates' settings, and runs the real
 * state machine with every Task bound to its real handler, while simulated
 * users send traffic and the synthesized alarms are evaluated every minute.
 * Waits pass in simulated time. The exit code says whether every outcome
 * matched its expectation. `--seeds N` runs each drill N times, from its own
 * seed on, and says how many runs matched.
 */
import './quiet';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { runDrill } from './drills/run';
import { loadDrill } from './drills/schema';
import { formatSeedSummary, MAX_SEEDS, seedVariants, summarizeSeeds } from './drills/seeds';
import { Moto } from './moto';
import { formatReport, rehearse, RehearsalReport } from './rehearse';
import { htmlReport } from './report-html';
import { scenario, SCENARIOS } from './scenarios';
import { World } from './world';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      drill: { type: 'string', multiple: true },
      json: { type: 'string' },
      html: { type: 'string' },
      list: { type: 'boolean', default: false },
      env: { type: 'string', default: 'dev' },
      seeds: { type: 'string' },
    },
  });
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(22)} ${s.env ? `[${s.env}] ` : ''}${s.description}`);
    return 0;
  }
  // Validate every drill before starting anything: a bad file is the user's to fix, named field by field.
  const drills = (values.drill ?? []).map((f) => ({ file: f, drill: loadDrill(f) }));
  // A whole number as typed (Number() would read '', ' 3' and '1e2'); seedVariants checks the range.
  if (values.seeds !== undefined && !/^\d+$/.test(values.seeds)) throw new Error(`--seeds takes a whole number from 1 to ${MAX_SEEDS}, not ${JSON.stringify(values.seeds)}`);
  const seeds = values.seeds === undefined ? 1 : Number(values.seeds);
  if (values.seeds !== undefined && drills.length === 0) throw new Error('--seeds applies to drills: give one or more --drill FILE');
  const runs = drills.map((d) => ({ ...d, variants: seedVariants(d.drill, seeds) }));
  const chosen = drills.length > 0 && values.scenario === undefined ? [] : values.scenario === 'all' ? SCENARIOS : [scenario(values.scenario ?? 'happy')];
  console.log('starting moto_server on a loopback port...');
  const moto = await Moto.start();
  const reports: RehearsalReport[] = [];
  // Over many seeds, only the runs that missed get an HTML report.
  const noHtml = new Set<RehearsalReport>();
  try {
    for (const s of chosen) {
      const world = new World(moto.endpoint, { env: s.env ?? values.env, faults: s.faults });
      await world.build();
      console.log(`\nrehearsing "${s.name}": ${s.description}`);
      try {
        const rep = await rehearse(world, s, (line) => console.log(line));
        reports.push(rep);
        console.log(formatReport(rep));
      } finally {
        await world.close();
      }
    }
    for (const { file, drill, variants } of runs) {
      console.log(`\ndrill ${file}: ${drill.name}`);
      if (variants.length === 1) {
        const rep = await runDrill(moto, drill, (line) => console.log(line));
        reports.push(rep);
        console.log(formatReport(rep));
        continue;
      }
      // Over many seeds, one line a run; the full report of a run is in --json, or in its HTML file when it missed.
      const mine: RehearsalReport[] = [];
      for (const v of variants) {
        const rep = await runDrill(moto, v);
        mine.push(rep);
        console.log(`  seed ${String(v.traffic.seed).padEnd(6)} ${rep.status}${rep.error ? ` (${rep.error})` : ''}: ${rep.matched ? 'MATCH' : `MISMATCH: ${rep.mismatches.join('; ')}`}`);
      }
      reports.push(...mine);
      for (const r of mine) if (r.matched) noHtml.add(r);
      console.log(`  ${formatSeedSummary(summarizeSeeds(variants, mine))}`);
    }
  } finally {
    await moto.stop();
  }
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    console.log(`\nwrote ${values.json}`);
  }
  for (const rep of reports.filter((r) => !noHtml.has(r))) {
    const file = values.html && reports.length === 1 ? values.html : path.join('reports', `rehearsal-${rep.scenario.replace(/[^A-Za-z0-9-]+/g, '-').toLowerCase()}.html`);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, htmlReport(rep));
    console.log(`wrote ${file}`);
  }
  const failed = reports.filter((r) => !r.matched).map((r) => r.scenario);
  console.log(failed.length === 0 ? `\n${reports.length} rehearsal(s) matched their expectation` : `\nMISMATCH: ${failed.join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
