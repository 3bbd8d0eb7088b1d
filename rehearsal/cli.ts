/**
 * npm run rehearse [-- --scenario NAME|all] [--json FILE] [--list]
 *
 * Synthesizes the app, starts moto on a free loopback port, builds the data
 * plane through the AWS API from the templates' settings, and runs the real
 * state machine with every Task bound to its real handler. Waits are
 * shortened and time jumps by each wait instead. The exit code says whether
 * every outcome matched its scenario's expectation.
 */
import './quiet';
import * as fs from 'fs';
import { parseArgs } from 'util';
import { Moto } from './moto';
import { formatReport, rehearse, RehearsalReport } from './rehearse';
import { scenario, SCENARIOS } from './scenarios';
import { World } from './world';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'happy' }, json: { type: 'string' }, list: { type: 'boolean', default: false }, env: { type: 'string', default: 'dev' } } });
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(22)} ${s.env ? `[${s.env}] ` : ''}${s.description}`);
    return 0;
  }
  const chosen = values.scenario === 'all' ? SCENARIOS : [scenario(values.scenario!)];
  console.log('starting moto_server on a loopback port...');
  const moto = await Moto.start();
  const reports: RehearsalReport[] = [];
  try {
    for (const s of chosen) {
      await moto.reset();
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
  } finally {
    await moto.stop();
  }
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify(chosen.length === 1 ? reports[0] : reports, null, 2));
    console.log(`\nwrote ${values.json}`);
  }
  const failed = reports.filter((r) => !r.matched).map((r) => r.scenario);
  console.log(failed.length === 0 ? `\n${reports.length} scenario(s) matched their expectation` : `\nMISMATCH: ${failed.join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
