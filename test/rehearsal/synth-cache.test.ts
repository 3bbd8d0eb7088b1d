import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cachedSynthesis, sourcesHash, synthesisSources } from '../../rehearsal/synth-cache';

describe('the synthesized-app disk cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('synthesizes once per key and sources, and hands back what it stored', () => {
    const make = jest.fn(() => ({ templates: { n: 1 } }));
    const at = { dir, sources: 'aaaa' };
    expect(cachedSynthesis('dev|null', make, at)).toEqual({ templates: { n: 1 } });
    expect(cachedSynthesis('dev|null', make, at)).toEqual({ templates: { n: 1 } });
    expect(make).toHaveBeenCalledTimes(1);
    // Another drill's config changes are another entry.
    cachedSynthesis('dev|{"x":1}', make, at);
    expect(make).toHaveBeenCalledTimes(2);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('a change to the sources synthesizes again and deletes the entries of the old sources', () => {
    let n = 0;
    const make = jest.fn(() => ({ v: ++n }));
    cachedSynthesis('dev|null', make, { dir, sources: 'aaaa' });
    cachedSynthesis('prod|null', make, { dir, sources: 'aaaa' });
    expect(cachedSynthesis('dev|null', make, { dir, sources: 'bbbb' })).toEqual({ v: 3 });
    expect(make).toHaveBeenCalledTimes(3);
    expect(fs.readdirSync(dir).every((f) => f.startsWith('bbbb-'))).toBe(true);
  });

  it('an entry stored under another key (a hash collision, or a damaged file) is not handed out', () => {
    const at = { dir, sources: 'aaaa' };
    cachedSynthesis('dev|null', () => ({ v: 'dev' }), at);
    const [file] = fs.readdirSync(dir);
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ key: 'other|null', value: { v: 'other' } }));
    expect(cachedSynthesis('dev|null', () => ({ v: 'dev again' }), at)).toEqual({ v: 'dev again' });
  });

  it('the sources hash covers what synthesis reads: the constructs, the handlers, the config, the context and the lock file', () => {
    const read = synthesisSources();
    for (const f of ['lib/switchyard.ts', 'lib/constructs/cutover-functions.ts', 'lambda/shared/settings.ts', 'config/dev.json', 'cdk.json', 'cdk.context.json', 'package-lock.json', 'rehearsal/app.ts', 'rehearsal/definition.ts']) {
      expect(read).toContain(f);
    }
    expect(sourcesHash()).toMatch(/^[0-9a-f]{16}$/);
  });
});
