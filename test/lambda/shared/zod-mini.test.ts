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
