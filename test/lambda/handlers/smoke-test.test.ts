import { DescribeRulesCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import * as http from 'http';
import { AddressInfo } from 'net';
import { resetSettings } from '../../../lambda/shared/settings';
import { forward, handlerEnv, lockSlice, plan } from './env';

const elb = mockClient(ElasticLoadBalancingV2Client);
const secrets = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBDocumentClient);

/** The application behind the load balancer: answers 200, naming `color` in X-Switchyard-Color. */
let color: string | undefined = 'green';
let requests = 0;
const server = http.createServer((_req, res) => {
  requests++;
  res.writeHead(200, color ? { 'X-Switchyard-Color': color } : {}).end('ok');
});
beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r())));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const rule = (token: string, blue: number, green: number) => ({
  Rules: [{ Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Switchyard-Test', Values: [token] } }], Actions: forward(blue, green) as any }],
});
// lockSlice: blue is live, green idle.
const event = { executionId: 'exec-1', state: { plan, lock: lockSlice } };

describe('smoke test: it must reach the idle color', () => {
  const { handler } = require('../../../lambda/smoke-test');
  beforeEach(() => {
    handlerEnv();
    Object.assign(process.env, {
      BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      CUTOVER_DEFAULTS: JSON.stringify({ steps: [10, 50, 100], smoke: { checks: [{ name: 'health', path: '/health' }], load: { path: '/', requests: 10, concurrency: 2 } } }),
    });
    resetSettings();
    for (const m of [elb, secrets, ddb]) m.reset();
    ddb.on(PutCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'token-2' });
    color = 'green';
    requests = 0;
  });

  it('a rotated token the rule does not match is SmokeRoutedToLiveColor, before any request is sent', async () => {
    // The rule still holds the token it was deployed with: a request with the new one would land on blue, and pass.
    elb.on(DescribeRulesCommand).resolves(rule('token-1', 0, 1));
    color = 'blue';
    await expect(handler(event)).rejects.toMatchObject({ name: 'SmokeRoutedToLiveColor', message: expect.stringMatching(/were not run, no traffic was moved: the test route's listener rule does not match the current test token/) });
    expect(requests).toBe(0);
  });

  it('a test route forwarding to the live color is SmokeRoutedToLiveColor', async () => {
    elb.on(DescribeRulesCommand).resolves(rule('token-2', 1, 0));
    await expect(handler(event)).rejects.toMatchObject({ name: 'SmokeRoutedToLiveColor', message: expect.stringMatching(/forwards to blue, not to the idle color green alone/) });
  });

  it('passing responses that name the live color are SmokeRoutedToLiveColor, not a pass', async () => {
    elb.on(DescribeRulesCommand).resolves(rule('token-2', 0, 1));
    color = 'blue';
    await expect(handler(event)).rejects.toMatchObject({ name: 'SmokeRoutedToLiveColor', message: expect.stringMatching(/reached the live color blue \(11 of 11 responses named it in X-Switchyard-Color\)/) });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ type: 'smoke', detail: expect.objectContaining({ routedTo: { idle: 0, live: 11, other: 0, unnamed: 0 } }) }) });
  });

  it('responses naming the idle color pass, and the state keeps who answered, not the responses', async () => {
    elb.on(DescribeRulesCommand).resolves(rule('token-2', 0, 1));
    const out = await handler(event);
    expect(out).toMatchObject({ ok: true, routedTo: { idle: 11, live: 0, other: 0, unnamed: 0 } });
    expect(out.responses).toBeUndefined();
    // An application that does not echo its color is not refused; the ledger shows the answers were unnamed.
    color = undefined;
    await expect(handler(event)).resolves.toMatchObject({ ok: true, routedTo: { idle: 0, unnamed: 11 } });
  });
});
