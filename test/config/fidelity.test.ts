import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, listEnvironments, loadConfig, parseConfig } from '../../lib/config/load';
import { parseEcrImage } from '../../lib/ecr';

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

describe('example environments deploy as written', () => {
  /**
   * Public images the examples use, with the port they listen on and paths that
   * answer 200. A private ECR image is the team's own application: its port and
   * health path are whatever it serves, so only known public images are checked,
   * and an example may use no other public image without adding it here.
   */
  const KNOWN_PUBLIC_IMAGES = [
    {
      image: /^(public\.ecr\.aws\/nginx\/nginx|(docker\.io\/)?(library\/)?nginx)(:[A-Za-z0-9_.-]+)?$/,
      port: 80,
      // The official image listens on 80 and serves its welcome page at /; it has no /health.
      healthyPaths: ['/', '/index.html'],
    },
  ];

  it.each(listEnvironments())('%s: the container port and health path match what its image serves', (env) => {
    const c = loadConfig(env);
    if (parseEcrImage(c.service.image)) return;
    const known = KNOWN_PUBLIC_IMAGES.find((k) => k.image.test(c.service.image));
    expect({ image: c.service.image, known: known !== undefined }).toEqual({ image: c.service.image, known: true });
    expect(c.service.containerPort).toBe(known!.port);
    expect(known!.healthyPaths).toContain(c.service.healthCheck.path);
    expect(c.service.healthCheck.healthyHttpCodes.split(',').some((r) => { const [lo, hi = lo] = r.split('-').map(Number); return lo <= 200 && 200 <= hi; })).toBe(true);
    for (const check of c.cutover.smoke.checks) expect(known!.healthyPaths).toContain(check.path);
  });
});

describe('secret ARNs are complete', () => {
  const partial = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/staging/db';
  const full = `${partial}-AbCdEf`;
  it.each([
    ['service.secrets.0.secretArn', (r: any, arn: string) => (r.service.secrets = [{ name: 'DB', secretArn: arn }])],
    ['dataSync.secrets.0.secretArn', (r: any, arn: string) => (r.dataSync = { image: 'sync:1', secrets: [{ name: 'DB', secretArn: arn }] })],
    ['cutover.smoke.credentialsSecretArn', (r: any, arn: string) => (r.cutover = { smoke: { credentialsSecretArn: arn } })],
  ])('%s without the 6-character suffix is refused, saying to use the full ARN', (field, set) => {
    const message = errorOf((r) => set(r, partial));
    expect(message).toContain(`${field}: `);
    expect(message).toMatch(/must be the full ARN of a Secrets Manager secret, ending in the 6 characters Secrets Manager adds/);
    expect(() => accepts((r) => set(r, full))).not.toThrow();
  });
});
