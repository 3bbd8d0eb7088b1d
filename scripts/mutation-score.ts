/**
 * Reads Stryker's report (reports/mutation/mutation.json), sets aside the
 * mutants stryker.equivalents.json lists as equivalent, prints the mutation
 * score per folder and per target, and exits 1 when a target is missed.
 * `--survivors` also lists every live mutant (survived or not covered).
 */
import { readFileSync } from 'fs';
import { dirname, resolve } from 'path';

interface Position { line: number; column: number }
interface Mutant { id: string; mutatorName: string; replacement?: string; status: string; location: { start: Position; end: Position } }
interface Report { files: Record<string, { source: string; mutants: Mutant[] }> }
/**
 * One equivalent mutant: which file, which mutator, where (line:column, as Stryker reports it), the code it
 * changes, what it puts there, and why no test can tell it from the original. An entry sets aside one mutant;
 * the location tells apart identical mutants in one file and is reported when the code has moved.
 */
export interface Equivalent { file: string; mutator: string; location: string; original: string; replacement: string; reason: string }

/** Score targets: the first whose prefix matches a file holds it. */
export const TARGETS: ReadonlyArray<{ name: string; prefix: string; percent: number }> = [
  { name: 'decisions (lambda/shared/decisions/)', prefix: 'lambda/shared/decisions/', percent: 90 },
  { name: 'rest of the safety core', prefix: '', percent: 80 },
];

const DETECTED = new Set(['Killed', 'Timeout']);
const LIVE = new Set(['Survived', 'NoCoverage']);

/** The source text a mutant replaces (Stryker's lines and columns count from 1). */
export function originalText(source: string, m: Mutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n');
}

export interface Tally { detected: number; live: number; equivalent: number }
export const score = (t: Tally): number => (t.detected + t.live === 0 ? 100 : (100 * t.detected) / (t.detected + t.live));

export function tallies(report: Report, equivalents: readonly Equivalent[]) {
  const byFolder = new Map<string, Tally>();
  const byTarget = new Map<string, Tally>(TARGETS.map((t) => [t.name, { detected: 0, live: 0, equivalent: 0 }]));
  const alive: Array<{ file: string; m: Mutant; original: string; at: string; tallied: Tally[] }> = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const folder = dirname(file) + '/';
    const target = TARGETS.find((t) => file.startsWith(t.prefix))!;
    const f = byFolder.get(folder) ?? { detected: 0, live: 0, equivalent: 0 };
    byFolder.set(folder, f);
    for (const m of mutants) {
      const tallied = [f, byTarget.get(target.name)!];
      if (DETECTED.has(m.status)) tallied.forEach((t) => t.detected++);
      if (LIVE.has(m.status)) alive.push({ file, m, original: originalText(source, m), at: `${m.location.start.line}:${m.location.start.column}`, tallied });
    }
  }
  // Each entry sets aside one live mutant with its code: first the one at its location, then (code moved) any other.
  const used = new Map<Equivalent, (typeof alive)[number]>();
  const matches = (e: Equivalent, a: (typeof alive)[number]) => e.file === a.file && e.mutator === a.m.mutatorName && e.original === a.original && e.replacement === a.m.replacement;
  for (const exact of [true, false]) {
    for (const e of equivalents) {
      if (used.has(e)) continue;
      const a = alive.find((x) => ![...used.values()].includes(x) && matches(e, x) && (!exact || e.location === x.at));
      if (a) used.set(e, a);
    }
  }
  const setAside = new Set(used.values());
  const moved = [...used].filter(([e, a]) => e.location !== a.at).map(([e, a]) => `${e.file}: the equivalent listed at ${e.location} (${e.mutator}: ${e.original} -> ${e.replacement}) is now at ${a.at}; update its location`);
  const live: string[] = [];
  for (const a of alive) {
    if (setAside.has(a)) {
      a.tallied.forEach((t) => t.equivalent++);
      continue;
    }
    a.tallied.forEach((t) => t.live++);
    live.push(`${a.file}:${a.at} ${a.m.status} ${a.m.mutatorName}: ${JSON.stringify(a.original).slice(0, 120)} -> ${JSON.stringify(a.m.replacement ?? '').slice(0, 120)}`);
  }
  return { byFolder, byTarget, live, moved, unused: equivalents.filter((e) => !used.has(e)) };
}

function main(): void {
  const root = resolve(__dirname, '..');
  const report = JSON.parse(readFileSync(resolve(root, 'reports/mutation/mutation.json'), 'utf8')) as Report;
  const { equivalents } = JSON.parse(readFileSync(resolve(root, 'stryker.equivalents.json'), 'utf8')) as { equivalents: Equivalent[] };
  const { byFolder, byTarget, live, moved, unused } = tallies(report, equivalents);
  const row = (name: string, t: Tally, extra = '') => console.log(`${name.padEnd(44)} ${score(t).toFixed(1).padStart(6)}%  killed ${String(t.detected).padStart(4)}  live ${String(t.live).padStart(3)}  equivalent ${String(t.equivalent).padStart(2)}${extra}`);
  console.log('Mutation score per folder (killed / (killed + live); equivalent mutants set aside)');
  for (const [folder, t] of [...byFolder].sort(([a], [b]) => a.localeCompare(b))) row(folder, t);
  console.log('\nTargets');
  let failed = false;
  for (const target of TARGETS) {
    const t = byTarget.get(target.name)!;
    const ok = score(t) >= target.percent;
    failed ||= !ok;
    row(target.name, t, `  target ${target.percent}% ${ok ? 'met' : 'MISSED'}`);
  }
  for (const e of unused) console.log(`\nstryker.equivalents.json lists a mutant this report does not show alive (${e.file}:${e.location}, ${e.mutator}: ${e.original} -> ${e.replacement}); remove it if the code changed`);
  for (const line of moved) console.log(`\n${line}`);
  if (process.argv.includes('--survivors')) console.log(`\nLive mutants (${live.length}):\n${live.join('\n')}`);
  if (failed) {
    console.error('\nA mutation score target is missed: kill the live mutants with tests (npm run mutate:score -- --survivors lists them), or list a truly equivalent one in stryker.equivalents.json with its reason.');
    process.exit(1);
  }
}

if (require.main === module) main();
