import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, parseConfig } from '../../lib/config/load';

/** Configuration rules that keep a valid file deployable on real AWS (issue 13, section 2). */

const DEV = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'dev.json'), 'utf8'));

function errorOf(patch: (raw: any) => void): string {
  const raw = structuredClone(DEV);
  patch(raw);
  try {
    parseConfig(raw, 'config/test.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}
const accepts = (patch: (raw: any) => void) => {
  const raw = structuredClone(DEV);
  patch(raw);
  return parseConfig(raw, 'config/test.json');
};

describe('images', () => {
  it.each([
    ['service.image', (r: any, i: string) => (r.service.image = i)],
    ['dataSync.image', (r: any, i: string) => (r.dataSync = { image: i })],
    ['dataSync.validation.image', (r: any, i: string) => (r.dataSync = { image: 'sync:1', validation: { image: i } })],
  ])('%s on a private ECR host must name a repository it can be granted', (field, set) => {
    for (const bad of ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/Shop:1', '1111.dkr.ecr.eu-west-1.amazonaws.com/shop:1', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/']) {
      expect(errorOf((r) => set(r, bad))).toContain(`${field} looks like a private ECR image but is not <account>.dkr.ecr.<region>.amazonaws.com/<repository>`);
    }
    for (const good of ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/shop:1.2', 'public.ecr.aws/nginx/nginx:1.27', 'nginx']) {
      expect(() => accepts((r) => set(r, good))).not.toThrow();
    }
  });
});
