import { Template } from 'aws-cdk-lib/assertions';
import { devWith, synthConfig } from '../helpers/synth';
import { ConfigError, parseConfig } from '../../lib/config/load';

const approvers = ['arn:aws:iam::123456789012:role/release-approver', 'arn:aws:iam::123456789012:role/on-call-lead'];

describe('approval gates in the control stack', () => {
  const s = synthConfig(
    devWith((raw: any) => {
      raw.cutover = { ...(raw.cutover ?? {}), approvals: { at: ['after-step:1'], timeoutMinutes: 30 } };
      raw.approverPrincipals = approvers;
    }),
  );
  const t = Template.fromStack(s.control);
  const gateFn = () => Object.entries(t.toJSON().Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-dev-gate')![0];

  it('lets exactly the approver principals invoke the gate function, and nobody else by resource policy', () => {
    const perms = Object.values(t.toJSON().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(gateFn()));
    expect(perms.map((p) => [p.Properties.Action, p.Properties.Principal]).sort()).toEqual(approvers.map((a) => ['lambda:InvokeFunction', a]).sort());
  });

  it('gives SendTaskSuccess/SendTaskFailure (no resource type exists for them) only to the gate, SendTaskSuccess to the pause function (resume), and, to end a waiting gate, SendTaskFailure to the alarm handler', () => {
    const policies = Object.values(t.toJSON().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Policy');
    const holders = (action: string) =>
      policies
        .filter((p) => p.Properties.PolicyDocument.Statement.some((st: any) => ([] as string[]).concat(st.Action).includes(action)))
        .map((p) => String(p.Properties.Roles[0].Ref).replace(/Role.*$/, ''))
        .sort();
    expect(holders('states:SendTaskSuccess')).toEqual(['gate', 'pause']);
    expect(holders('states:SendTaskFailure')).toEqual(['alarmhandler', 'gate']);
  });

  it('refuses gates with nobody to approve them', () => {
    expect(() => parseConfig({ environment: 'qa', region: 'eu-west-1', service: { name: 'api', image: 'nginx:1' }, cutover: { approvals: { at: ['before-promotion'] } } }, 'inline')).toThrow(ConfigError);
    expect(() => parseConfig({ environment: 'qa', region: 'eu-west-1', service: { name: 'api', image: 'nginx:1' }, cutover: { approvals: { at: ['before-promotion'] } } }, 'inline')).toThrow(/approverPrincipals names nobody who may approve/);
  });
});
