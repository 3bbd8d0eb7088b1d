import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionTimeoutSeconds, lockLifetimeSeconds, stagesFromSettings } from '../../../lambda/shared/decisions/limits';
import { resetSettings, settings } from '../../../lambda/shared/settings';
import { handlerEnv, plan } from './env';

const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);

beforeEach(() => {
  handlerEnv();
  for (const m of [ddb, ssm, sns]) m.reset();
});

describe('validate-input: plans that do not fit one execution', () => {
  const { handler } = require('../../../lambda/validate-input');

  it('a 72-hour window ticked every minute is refused before anything changes, naming the tick', async () => {
    process.env.CUTOVER_DEFAULTS = JSON.stringify({ steps: [10, 50, 100], watchTickSeconds: 60, checkpointHours: [] });
    resetSettings();
    await expect(handler({ executionId: 'e', input: { reason: 'release 2', watchWindowHours: 72 } })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/does not fit one Step Functions execution, nothing was changed: .*history events.*raise cutover.watchTickSeconds/),
    });
    // The same window at the default tick fits.
    process.env.CUTOVER_DEFAULTS = JSON.stringify({ steps: [10, 50, 100] });
    resetSettings();
    await expect(handler({ executionId: 'e', input: { reason: 'release 2', watchWindowHours: 72 } })).resolves.toMatchObject({ watchWindowSeconds: 72 * 3600 });
  });

  it('20 steps, each baking up to the longest bake, and a 72-hour watch are refused: they would outlast the execution\'s timeout', async () => {
    const steps = Array.from({ length: 20 }, (_, i) => (i + 1) * 5);
    await expect(handler({ executionId: 'e', input: { reason: 'release 2', steps, watchWindowHours: 72 } })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/its ramp can take 12.3 h .* above the 84 h a cutover may take .*lower watchWindowHours to at most 71.6, or use fewer steps/),
    });
  });
});

describe('lock: lifetime', () => {
  const { handler } = require('../../../lambda/lock');

  it('outlives the state machine\'s timeout, so an execution that times out frees the lock by expiry', async () => {
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        ['/switchyard/shop/dev/live-color', 'blue'],
        ['/switchyard/shop/dev/blue/image', 'img:1'],
        ['/switchyard/shop/dev/green/image', 'img:1'],
        ['/switchyard/shop/dev/blue/desired-count', '2'],
        ['/switchyard/shop/dev/green/desired-count', '0'],
      ].map(([Name, Value]) => ({ Name, Value })),
    });
    ddb.on(PutCommand).resolves({});
    const before = Date.now();
    // A short plan: the lock still lasts past the timeout, which no plan can outrun.
    await handler({ action: 'acquire', executionId: 'arn:exec:1', state: { plan: { ...plan, watchWindowSeconds: 0 } } });
    const put = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'locks')!.args[0].input;
    const stages = stagesFromSettings(settings());
    expect(put.Item!.expiresAtMs - before).toBeGreaterThanOrEqual(lockLifetimeSeconds(stages) * 1000);
    expect(put.Item!.expiresAtMs - before).toBeGreaterThan(executionTimeoutSeconds(stages) * 1000);
  });
});
