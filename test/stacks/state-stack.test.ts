import { snapshotOf, synthEnv } from '../helpers/synth';

const dev = synthEnv('dev');
const t = dev.stateTemplate;

/** The put-if-absent call each seeding resource makes on create. */
function seeds(): Array<{ create: any }> {
  return (Object.values(t.findResources('Custom::AWS')) as any[]).map((r) => ({ create: JSON.parse(r.Properties.Create) }));
}

describe('state stack', () => {
  it('seeds the live color, each color\'s image and task count', () => {
    const byName = Object.fromEntries(seeds().map((s) => [s.create.parameters.Name, s.create.parameters.Value]));
    expect(byName).toEqual({
      '/switchyard/shop/dev/live-color': 'blue',
      '/switchyard/shop/dev/blue/image': 'public.ecr.aws/nginx/nginx:1.27',
      '/switchyard/shop/dev/green/image': 'public.ecr.aws/nginx/nginx:1.27',
      '/switchyard/shop/dev/blue/desired-count': '1',
      '/switchyard/shop/dev/green/desired-count': '0',
    });
  });

  it('never overwrites what a cutover recorded', () => {
    for (const s of seeds()) {
      expect(s.create.parameters.Overwrite).toBe(false);
      expect(s.create.ignoreErrorCodesMatching).toBe('ParameterAlreadyExists');
    }
    // No update or delete call: CloudFormation never touches the values again.
    for (const r of Object.values(t.findResources('Custom::AWS')) as any[]) {
      expect(r.Properties.Update).toBeUndefined();
      expect(r.Properties.Delete).toBeUndefined();
    }
  });

  it('lets each seed write only its own parameter', () => {
    const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const puts = statements.filter((s) => ([] as string[]).concat(s.Action).includes('ssm:PutParameter'));
    expect(puts).toHaveLength(5);
    for (const s of puts) {
      const arn = JSON.stringify(s.Resource);
      expect(arn).toMatch(/:parameter\/switchyard\/shop\/dev\/(live-color|(blue|green)\/(image|desired-count))"/);
      expect(arn).not.toContain('*');
    }
  });

  it('snapshot', () => {
    expect(snapshotOf(t)).toMatchSnapshot();
  });
});
