import { DescribeListenersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { albRecord as alb, dnsCutoverEnv, forward, handlerEnv, healthyTargets, legacyRecord as legacy, LISTENER } from './env';

handlerEnv();
dnsCutoverEnv();

const elb = mockClient(ElasticLoadBalancingV2Client);
const r53 = mockClient(Route53Client);
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);


beforeEach(() => {
  for (const m of [elb, r53, ddb, ssm, sns]) m.reset();
  elb.on(DescribeTargetHealthCommand).resolves(healthyTargets(2, 1));
  elb.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: forward(100, 0) as any }] });
  ddb.on(PutCommand).resolves({});
});

const rollback = (dns: boolean) => {
  const { rollbackTo } = require('../../../lambda/shared/rollback');
  const { settings } = require('../../../lambda/shared/settings');
  return rollbackTo(settings(), { target: 'blue', requiredCount: 2, reason: 'alarm', executionId: 'e', trigger: 'alarm', dns }, { pause: async () => undefined });
};

describe('rollback of a DNS cutover', () => {
  it('sends every client back to the legacy endpoint first, by UPSERT, keeping its value and TTL', async () => {
    r53.on(ListResourceRecordSetsCommand).resolvesOnce({ ResourceRecordSets: [legacy(50), alb(50)] }).resolves({ ResourceRecordSets: [legacy(100), alb(0)] });
    r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const out = await rollback(true);
    expect(out).toMatchObject({ target: 'blue', weights: { blue: 100, green: 0 }, dns: { legacy: 100, alb: 0 } });
    const batch = r53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes!;
    expect(batch.map((c) => c.Action)).toEqual(['UPSERT', 'UPSERT']);
    expect(batch[0].ResourceRecordSet).toEqual(legacy(100));
    expect(batch[1].ResourceRecordSet).toEqual(alb(0));
    // The listener follows at once: no wait for Route 53 to propagate.
    expect(r53).not.toHaveReceivedCommand(GetChangeCommand);
    expect(elb).toHaveReceivedCommand(ModifyListenerCommand);
  });

  it('still rolls the listener back when DNS cannot be moved, then fails named with what to do', async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [legacy(50), alb(50)] });
    r53.on(ChangeResourceRecordSetsCommand).rejects(Object.assign(new Error('Access denied'), { name: 'AccessDenied' }));
    await expect(rollback(true)).rejects.toMatchObject({ name: 'RollbackFailed', message: expect.stringMatching(/listener is back on blue, but DNS could not be moved back .*AccessDenied.*legacy 100, switchyard 0/) });
    expect(elb).toHaveReceivedCommand(ModifyListenerCommand);
    expect(elb).toHaveReceivedCommand(ModifyRuleCommand);
    expect(ssm).toHaveReceivedCommand(PutParameterCommand);
    const entry = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!).find((i) => i.type === 'rollback')!;
    expect(entry.detail).toMatchObject({ dnsError: expect.stringMatching(/^AccessDenied/) });
    // The critical topic hears of it on every path, the alarm rule's included.
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'Switchyard shop-dev: rolled back to blue, DNS NOT moved back' });
  });

  it('leaves DNS alone when the cutover never moved it', async () => {
    await rollback(false);
    expect(r53).not.toHaveReceivedAnyCommand();
    expect(sns).toHaveReceivedCommand(PublishCommand);
  });
});
