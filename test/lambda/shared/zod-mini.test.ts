import * as fs from 'fs';
import * as path from 'path';

const LAMBDA = path.join(__dirname, '..', '..', '..', 'lambda');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

// zod's full build adds ~440 KB to every bundle it reaches; handlers use lambda/shared/zod (zod/mini).
test('no handler code imports zod other than through lambda/shared/zod', () => {
  const offenders = sources(LAMBDA)
    .filter((f) => !f.endsWith(path.join('shared', 'zod.ts')))
    .filter((f) => /from ['"]zod(\/[^'"]*)?['"]|require\(['"]zod/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(LAMBDA, f));
  expect(offenders).toEqual([]);
});

test('lambda/shared/zod gives English messages without the full build', () => {
  const { cutoverInputSchema } = require('../../../lambda/shared/input');
  const r = cutoverInputSchema.safeParse({ reason: 'release', bakeSeconds: 'ten' });
  expect(r.success).toBe(false);
  expect(r.error.issues.map((i: { message: string }) => i.message)).toEqual(['Invalid input: expected number, received string']);
});

// Schemas built at a cold start use z.int() (one schema) for z.number().check(z.int()) (three): the same checks, the same messages.
test('z.int() validates as z.number().check(z.int()), with the same issues', () => {
  const z = require('../../../lambda/shared/zod') as typeof import('../../../lambda/shared/zod');
  const fc = require('fast-check') as typeof import('fast-check');
  const issues = (r: { success: boolean; data?: unknown; error?: { issues: readonly { code: string; message: string; path: PropertyKey[] }[] } }) => (r.success ? { data: r.data } : { issues: r.error!.issues.map((i) => [i.code, i.message, i.path]) });
  fc.assert(
    fc.property(fc.oneof(fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, 2 ** 60, -0), fc.string(), fc.constant(undefined), fc.boolean()), fc.integer({ min: -5, max: 5 }), (v, min) => {
      expect(issues(z.int().safeParse(v))).toEqual(issues(z.number().check(z.int()).safeParse(v)));
      expect(issues(z.int().check(z.gte(min)).safeParse(v))).toEqual(issues(z.number().check(z.int(), z.gte(min)).safeParse(v)));
    }),
  );
});

// execution.ts gathers every slice: a handler importing it would build them all as it loads.
test('handler code imports the slices from their own modules, not from lambda/shared/execution', () => {
  const offenders = sources(LAMBDA)
    .filter((f) => /from ['"](\.\.?\/)+(shared\/)?execution['"]/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(LAMBDA, f));
  expect(offenders).toEqual([]);
});
