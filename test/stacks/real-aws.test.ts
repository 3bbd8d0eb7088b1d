import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../../lib/config/load';
import { devWith, synthConfig, synthEnv } from '../helpers/synth';

/**
 * What real AWS requires of the templates beyond what the emulators check
 * (issue 13, section 2): each test here failed on the code before its fix.
 */

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', `${env}.json`), 'utf8'));
const PRODUCTION = raw('production');
const STAGING = raw('staging');
const dev = synthEnv('dev');
const prod = synthEnv('production');

type Statement = { Effect: string; Principal?: any; Action: string | string[]; Resource?: any; Condition?: any };
const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const refOf = (v: unknown) => (v && typeof v === 'object' && 'Ref' in (v as object) ? (v as { Ref: string }).Ref : undefined);

describe('alarm actions can publish to the alert topics', () => {
  it.each([['dev', dev], ['production', prod]] as const)('%s: every topic an alarm targets lets this account\'s CloudWatch publish', (_, s) => {
    const json = s.platformTemplate.toJSON();
    const targeted = new Set<string>();
    for (const r of Object.values<any>(json.Resources)) {
      if (r.Type !== 'AWS::CloudWatch::Alarm' && r.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
      for (const a of [...(r.Properties.AlarmActions ?? []), ...(r.Properties.OKActions ?? [])]) {
        const id = refOf(a);
        if (id && json.Resources[id].Type === 'AWS::SNS::Topic') targeted.add(id);
      }
    }
    expect(targeted.size).toBe(2);
    for (const topic of targeted) {
      const policies = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy' && r.Properties.Topics.some((t: unknown) => refOf(t) === topic));
      // A topic policy replaces SNS's default policy: without an Allow in it, CloudWatch is refused.
      expect(policies).toHaveLength(1);
      const allow = (policies[0].Properties.PolicyDocument.Statement as Statement[]).filter(
        (st) => st.Effect === 'Allow' && st.Principal?.Service === 'cloudwatch.amazonaws.com' && actions(st).includes('sns:Publish'),
      );
      expect(allow).toEqual([
        expect.objectContaining({
          Resource: { Ref: topic },
          Condition: { StringEquals: { 'aws:SourceAccount': s.config.account ?? { Ref: 'AWS::AccountId' } } },
        }),
      ]);
    }
  });

  it('the topics\' key lets CloudWatch encrypt what it publishes, and names no other service', () => {
    const json = prod.platformTemplate.toJSON();
    const topics = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::SNS::Topic');
    const keyIds = new Set(topics.map((t) => t.Properties.KmsMasterKeyId['Fn::GetAtt'][0]));
    expect(keyIds.size).toBe(1);
    const [keyId] = keyIds;
    const services = (json.Resources[keyId].Properties.KeyPolicy.Statement as Statement[]).filter((st) => st.Principal?.Service);
    expect(services).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    ]);
  });
});


describe('private images can be pulled', () => {
  // Sorted, as the repository's feature flags write actions.
  const pull = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
  /** Statements of the policies attached to the role `roleId`. */
  const statementsOf = (template: Template, roleId: string): Statement[] =>
    Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles ?? []).some((r: unknown) => refOf(r) === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const arn = (s: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${s}`]] });
  const executionRoleOf = (template: Template, family: string) => {
    const [td] = Object.values<any>(template.findResources('AWS::ECS::TaskDefinition', { Properties: { Family: family } }));
    return td.Properties.ExecutionRoleArn['Fn::GetAtt'][0] as string;
  };

  it.each(['blue', 'green'])('production: the %s execution role may pull from the shop repository, and only there', (color) => {
    const statements = statementsOf(prod.platformTemplate, executionRoleOf(prod.platformTemplate, `shop-production-${color}`));
    const ecr = statements.filter((s) => actions(s).some((a) => a.startsWith('ecr:')));
    expect(ecr).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: pull, Resource: arn('eu-west-1:111111111111:repository/shop') }),
      expect.objectContaining({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
    ]);
  });

  it('staging: the data sync and validation execution roles may pull from shop-sync', () => {
    const staging = synthEnv('staging');
    const control = Template.fromStack(staging.control);
    for (const family of ['shop-staging-sync', 'shop-staging-validation']) {
      const statements = statementsOf(control, executionRoleOf(control, family));
      expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Action: pull, Resource: arn('eu-west-1:111111111111:repository/shop-sync') })]));
    }
  });

  it('dev (a public image) grants no ECR access', () => {
    for (const color of ['blue', 'green']) {
      const statements = statementsOf(dev.platformTemplate, executionRoleOf(dev.platformTemplate, `shop-dev-${color}`));
      expect(statements.flatMap(actions).filter((a) => a.startsWith('ecr:'))).toEqual([]);
    }
  });
});

describe('long names fit their limits and never collide', () => {
  /** Physical-name properties and the limits AWS sets on them. */
  const LIMITS: Record<string, Record<string, number>> = {
    'AWS::ElasticLoadBalancingV2::TargetGroup': { Name: 32 },
    'AWS::ElasticLoadBalancingV2::LoadBalancer': { Name: 32 },
    'AWS::Lambda::Function': { FunctionName: 64 },
    'AWS::StepFunctions::StateMachine': { StateMachineName: 80 },
    'AWS::CloudWatch::Alarm': { AlarmName: 255 },
    'AWS::CloudWatch::CompositeAlarm': { AlarmName: 255 },
    'AWS::CloudWatch::Dashboard': { DashboardName: 255 },
    'AWS::Logs::LogGroup': { LogGroupName: 512 },
    'AWS::Logs::MetricFilter': { FilterName: 512 },
    'AWS::Events::Rule': { Name: 64 },
    'AWS::SQS::Queue': { QueueName: 80 },
    'AWS::SNS::Topic': { TopicName: 256 },
    // SSM allows 1,011 characters of parameter name.
    'AWS::SSM::Parameter': { Name: 1011 },
    'AWS::IAM::ManagedPolicy': { ManagedPolicyName: 128 },
    'AWS::IAM::Role': { RoleName: 64 },
    'AWS::ECS::Cluster': { ClusterName: 255 },
    'AWS::ECS::Service': { ServiceName: 255 },
    'AWS::ECS::TaskDefinition': { Family: 255 },
    'AWS::WAFv2::WebACL': { Name: 128 },
    'AWS::Chatbot::SlackChannelConfiguration': { ConfigurationName: 128 },
    'AWS::DynamoDB::Table': { TableName: 255 },
  };
  /** Names CDK generates within their limits, and names that are not physical names. */
  const NOT_OURS = new Set(['AWS::IAM::Policy PolicyName', 'AWS::Logs::ResourcePolicy PolicyName', 'AWS::CloudWatch::Alarm MetricName', 'AWS::Logs::MetricFilter MetricName', 'AWS::Route53::RecordSet Name']);

  const synthNamed = (service: string, environment: string) =>
    synthConfig(
      parseConfig(
        {
          ...structuredClone(PRODUCTION),
          environment,
          service: { ...structuredClone(PRODUCTION.service), name: service },
          dataSync: structuredClone(STAGING.dataSync),
        },
        'test',
      ),
    );

  it.each([
    ['inventory-mgmt-service', 'production'],
    ['a-thirty-character-service-nam', 'a-thirty-character-environment'],
    ['inventory-mgmt-ser-vice', 'production'],
  ])('%s in %s', (service, environment) => {
    const s = synthNamed(service, environment);
    const seen: string[] = [];
    const names = new Map<string, string[]>();
    for (const stack of [s.state, s.platform, s.control]) {
      expect(stack.stackName.length).toBeLessThanOrEqual(128);
      for (const r of Object.values<any>(Template.fromStack(stack).toJSON().Resources)) {
        for (const [key, value] of Object.entries<any>(r.Properties ?? {})) {
          if (typeof value !== 'string' || !/(^Name|Name|^Family)$/.test(key) || NOT_OURS.has(`${r.Type} ${key}`)) continue;
          const limit = LIMITS[r.Type]?.[key];
          seen.push(`${r.Type} ${key}`);
          expect({ type: r.Type, key, known: limit !== undefined }).toEqual({ type: r.Type, key, known: true });
          expect({ name: value, fits: value.length <= limit!, endsWell: !/-$/.test(value) }).toEqual({ name: value, fits: true, endsWell: true });
          names.set(`${r.Type} ${key}`, [...(names.get(`${r.Type} ${key}`) ?? []), value]);
        }
        if (r.Type === 'AWS::WAFv2::WebACL') {
          for (const v of [r.Properties.VisibilityConfig, ...r.Properties.Rules.map((x: any) => x.VisibilityConfig)]) expect(v.MetricName.length).toBeLessThanOrEqual(128);
        }
      }
    }
    for (const [kind, list] of names) expect({ kind, duplicates: list.filter((n, i) => list.indexOf(n) !== i) }).toEqual({ kind, duplicates: [] });
    expect(names.get('AWS::ElasticLoadBalancingV2::TargetGroup Name')).toHaveLength(2);
    expect(seen).toEqual(expect.arrayContaining(['AWS::Lambda::Function FunctionName', 'AWS::StepFunctions::StateMachine StateMachineName', 'AWS::Chatbot::SlackChannelConfiguration ConfigurationName']));
  });
});

describe('deploy guard', () => {
  it('may read the status of its own stack, and only that, to let an update rollback through', () => {
    const json = dev.platformTemplate.toJSON();
    const [fnId] = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-dev-deploy-guard')!;
    const roleId = json.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values<any>(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: unknown) => refOf(x) === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements.filter((s) => actions(s).some((a) => a.startsWith('cloudformation:')))).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }),
    ]);
  });
});

describe('deploy-idle registers tagged revisions', () => {
  it('may tag only as part of RegisterTaskDefinition, only the two color families', () => {
    const control = Template.fromStack(dev.control).toJSON();
    const [fnId] = Object.entries<any>(control.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'shop-dev-deploy-idle')!;
    const roleId = control.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values<any>(control.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: unknown) => refOf(x) === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const tag = statements.filter((s) => actions(s).includes('ecs:TagResource'));
    expect(tag).toHaveLength(1);
    expect(tag[0].Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } });
    expect(JSON.stringify(tag[0].Resource)).toMatch(/task-definition\/shop-dev-blue:\*.*task-definition\/shop-dev-green:\*/);
  });
});

describe('database snapshots', () => {
  it('the backup role may create snapshots under the id the handler builds, even for a name with --', () => {
    const s = synthConfig(devWith((r) => {
      r.service.name = 'shop--api';
      r.database = { instanceIdentifier: 'shop-db', maxConnections: 100 };
    }));
    const control = Template.fromStack(s.control).toJSON();
    const create = Object.values<any>(control.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => actions(st).includes('rds:CreateDBSnapshot'));
    expect(create).toHaveLength(1);
    const resources = JSON.stringify(create[0].Resource);
    expect(resources).toContain(':snapshot:switchyard-shop-api-dev-*');
    expect(resources).not.toContain('--');
  });
});

describe('WAF metrics are read under the dimensions WAF publishes them with', () => {
  // WAF publishes a web ACL's metrics under WebACL = its VisibilityConfig.MetricName, and Rule = ALL
  // for all its rules together (ALL is reserved: no rule may take it as its metric name).
  it.each(['staging', 'production'])('%s: pre-flight and the dashboard name the web ACL by its metric name, with Rule ALL', (env) => {
    const s = synthEnv(env);
    const acl = Object.values<any>(s.platformTemplate.toJSON().Resources).find((r) => r.Type === 'AWS::WAFv2::WebACL')!.Properties;
    const metricName = acl.VisibilityConfig.MetricName;
    expect(acl.Rules.map((r: any) => r.VisibilityConfig.MetricName.toLowerCase())).not.toContain('all');
    const preflight = Object.values<any>(Template.fromStack(s.control).toJSON().Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === `shop-${env}-preflight`)!;
    expect(preflight.Properties.Environment.Variables.WAF_ACL_NAME).toBe(metricName);
    // The dashboard body's literal parts (references aside) hold the WAF widget's JSON as written.
    const body = Object.values<any>(s.platformTemplate.toJSON().Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!.Properties.DashboardBody['Fn::Join'][1];
    const text = (body as unknown[]).filter((x): x is string => typeof x === 'string').join('');
    const waf = [...text.matchAll(/\["AWS\/WAFV2","(\w+)",((?:"[^"]+",?)+?),?\{/g)].map((m) => ({ metric: m[1], dimensions: JSON.parse(`[${m[2].replace(/,$/, '')}]`) as string[] }));
    expect(waf.map((w) => w.metric)).toEqual(['AllowedRequests', 'CountedRequests', 'BlockedRequests']);
    for (const w of waf) {
      const dims = Object.fromEntries(w.dimensions.flatMap((d, i) => (i % 2 === 0 ? [[d, w.dimensions[i + 1]]] : [])));
      expect(dims).toEqual({ Region: 'eu-west-1', Rule: 'ALL', WebACL: metricName });
    }
  });

  it('pre-flight\'s query asks for the web ACL\'s CountedRequests with Rule ALL in its region', async () => {
    const { CloudWatchClient, GetMetricDataCommand } = require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch');
    const { mockClient } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
    const { wafCountedRequests } = require('../../lambda/shared/adapters/cloudwatch') as typeof import('../../lambda/shared/adapters/cloudwatch');
    const cw = mockClient(CloudWatchClient);
    try {
      cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'counted', Values: [3, 4] }] });
      expect(await wafCountedRequests('shop-production-acl', 'eu-west-1', 0, 3600_000)).toBe(7);
      const metric = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries![0].MetricStat!.Metric!;
      expect(metric).toEqual({ Namespace: 'AWS/WAFV2', MetricName: 'CountedRequests', Dimensions: [{ Name: 'WebACL', Value: 'shop-production-acl' }, { Name: 'Region', Value: 'eu-west-1' }, { Name: 'Rule', Value: 'ALL' }] });
    } finally {
      cw.restore();
    }
  });
});
