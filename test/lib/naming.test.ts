import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { COLORS } from '../../lambda/shared/colors';
import { fitName, HASH_LENGTH, NAME_LIMITS, NamedKind, prefixHash, ResourceNames } from '../../lib/naming';

/** Every Lambda task folder: each becomes a function named after it. */
const TASKS = fs.readdirSync(path.join(__dirname, '..', '..', 'lambda')).filter((d) => d !== 'shared' && fs.statSync(path.join(__dirname, '..', '..', 'lambda', d)).isDirectory());

/** Every name ResourceNames builds for one environment, with its limit; colors paired. */
function everyName(n: ResourceNames): Array<{ kind: NamedKind; name: string }> {
  const out: Array<{ kind: NamedKind; name: string }> = [];
  const add = (kind: NamedKind, name: string) => out.push({ kind, name });
  for (const part of ['state', 'platform', 'control'] as const) add('stack', n.stack(part));
  add('ecsCluster', n.cluster());
  for (const c of COLORS) {
    add('ecsService', n.colorService(c));
    add('taskFamily', n.taskFamily(c));
    add('targetGroup', n.targetGroup(c));
    add('logGroup', n.colorLogGroup(c));
    add('metricFilter', n.taskExitFilter(c));
  }
  for (const stage of ['sync', 'validation']) {
    add('taskFamily', n.oneOffFamily(stage));
    add('logGroup', n.oneOffLogGroup(stage));
  }
  for (const task of TASKS) {
    add('lambdaFunction', n.lambdaFunction(task));
    add('logGroup', n.lambdaLogGroup(task));
  }
  for (const kind of ['cutover', 'rollback'] as const) {
    add('stateMachine', n.stateMachine(kind));
    add('logGroup', n.stateMachineLogGroup(kind));
  }
  for (const s of ['critical', 'warning'] as const) add('snsTopic', n.topic(s));
  add('chatbotConfiguration', n.chatbotConfiguration());
  add('dashboard', n.dashboard());
  add('wafWebAcl', n.webAcl());
  add('logGroup', n.wafLogGroup());
  for (const rule of ['acl', 'rate-per-ip', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']) add('wafMetric', n.wafMetric(rule));
  add('logGroup', n.taskExitLogGroup());
  return out;
}

/** Service and environment names as the schema allows them. */
const schemaName = fc.stringMatching(/^[a-z][a-z0-9-]{0,28}[a-z0-9]$/);

describe('fitName', () => {
  it('keeps <prefix>-<suffix> whenever it fits', () => {
    expect(fitName('shop-production', 'green', 32)).toBe('shop-production-green');
    expect(fitName('shop-production', '', 255)).toBe('shop-production');
  });

  it('shortens the prefix first, adds its hash, then the suffix intact', () => {
    const h = prefixHash('inventory-mgmt-service-production');
    expect(h).toMatch(new RegExp(`^[0-9a-f]{${HASH_LENGTH}}$`));
    expect(fitName('inventory-mgmt-service-production', 'blue', 32, 5)).toBe(`inventory-mgmt-serv-${h}-blue`);
    expect(fitName('inventory-mgmt-service-production', 'green', 32, 5)).toBe(`inventory-mgmt-serv-${h}-green`);
  });

  it('never leaves a hyphen where the prefix was cut', () => {
    // 19 characters are kept for a color within 32: here the 19th is a hyphen.
    expect(fitName('inventory-mgmt-ser-vice-production', 'blue', 32, 5)).toBe(`inventory-mgmt-ser-${prefixHash('inventory-mgmt-ser-vice-production')}-blue`);
    expect(fitName('abcdefghijklmnopq--rstuvwxyz', 'green', 32, 5)).toMatch(/^abcdefghijklmnopq-[0-9a-f]{6}-green$/);
  });

  it('shortens every member of a family alike, by the room of its longest suffix', () => {
    // 27 + '-blue' fits 32, 27 + '-green' does not: both are shortened.
    const prefix = 'a'.repeat(27);
    expect(fitName(prefix, 'blue', 32, 5).replace(/-blue$/, '')).toBe(fitName(prefix, 'green', 32, 5).replace(/-green$/, ''));
  });

  it('refuses a suffix or prefix that starts or ends with a hyphen', () => {
    expect(() => fitName('shop-dev', 'blue-', 32)).toThrow(/suffix/);
    expect(() => fitName('shop-dev-', 'blue', 32)).toThrow(/prefix/);
  });
});

describe('ResourceNames', () => {
  it.each(['dev', 'staging', 'production'])('keeps the example environment shop-%s\'s names as they were', (env) => {
    const n = ResourceNames.of('shop', env);
    for (const { name } of everyName(n)) expect(name).toContain(`shop-${env}`);
    expect(n.targetGroup('blue')).toBe(`shop-${env}-blue`);
    expect(n.lambdaFunction('maintenance-page')).toBe(`shop-${env}-maintenance-page`);
    expect(n.stateMachine('cutover')).toBe(`shop-${env}-cutover`);
    expect(n.topic('critical')).toBe(`shop-${env}-critical`);
  });

  it('inventory-mgmt-service in production: the two target groups differ and fit 32', () => {
    const n = ResourceNames.of('inventory-mgmt-service', 'production');
    expect(n.targetGroup('blue')).not.toBe(n.targetGroup('green'));
    for (const c of COLORS) expect(n.targetGroup(c).length).toBeLessThanOrEqual(32);
    expect(n.colorService('blue')).toBe('inventory-mgmt-service-production-blue');
    // The hash is part of deployed names: changing how it is made would replace resources.
    expect(n.targetGroup('blue')).toBe('inventory-mgmt-serv-965e25-blue');
  });

  it('property: for any valid service and environment, every name is within its limit, ends in a letter or digit, and the colors differ', () => {
    fc.assert(
      fc.property(schemaName, schemaName, (service, environment) => {
        const n = ResourceNames.of(service, environment);
        const all = everyName(n);
        for (const { kind, name } of all) {
          expect({ kind, name, ok: name.length <= NAME_LIMITS[kind] && /[A-Za-z0-9]$/.test(name) && !/^-/.test(name) }).toEqual({ kind, name, ok: true });
        }
        for (const colorName of [n.colorService, n.taskFamily, n.targetGroup, n.colorLogGroup, n.taskExitFilter]) {
          expect(colorName.call(n, 'blue')).not.toBe(colorName.call(n, 'green'));
        }
        // Names of one kind never collide within an environment.
        const functions = TASKS.map((t) => n.lambdaFunction(t));
        expect(new Set(functions).size).toBe(functions.length);
        // A shortened name still starts with the prefix's first characters.
        expect(n.targetGroup('green').startsWith(n.prefix.slice(0, 10))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('property: two prefixes that differ past the cut get different target-group names', () => {
    fc.assert(
      fc.property(schemaName, fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.stringMatching(/^[a-z0-9]{1,10}$/), (head, a, b) => {
        fc.pre(a !== b);
        const x = ResourceNames.of(`${head}x`.slice(0, 30), `long-environment-${a}`);
        const y = ResourceNames.of(`${head}x`.slice(0, 30), `long-environment-${b}`);
        expect(x.targetGroup('blue')).not.toBe(y.targetGroup('blue'));
      }),
    );
  });
});
