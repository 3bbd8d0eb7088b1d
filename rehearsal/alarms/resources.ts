import { Color } from '../../lambda/shared/colors';
import { PhysicalLookup, Template } from './intrinsics';

/** The emulator's resources a template's references resolve to. */
export interface EmulatedResources {
  readonly region: string;
  readonly account: string;
  readonly listenerArn: string;
  readonly loadBalancerArn: string;
  readonly targetGroups: Readonly<Record<Color, string>>;
  readonly maintenanceTargetGroup?: string;
  readonly cluster: string;
  readonly services: Readonly<Record<Color, string>>;
  readonly topics: { readonly critical: string; readonly warning: string };
}

/** `targetgroup/name/id` or `app/name/id`: the metric dimension value of an ELB ARN. */
export const elbDimension = (arn: string): string => arn.slice(arn.indexOf(arn.includes(':targetgroup/') ? 'targetgroup/' : 'app/'));

/** The color whose ECS service a target group serves, from the template's own wiring. */
export function targetGroupColor(t: Template, logicalId: string): Color | undefined {
  for (const r of Object.values(t.Resources)) {
    if (r.Type !== 'AWS::ECS::Service') continue;
    if (!(r.Properties.LoadBalancers ?? []).some((lb: any) => lb.TargetGroupArn?.Ref === logicalId)) continue;
    const name = String(r.Properties.ServiceName ?? '');
    if (name.endsWith('-blue')) return 'blue';
    if (name.endsWith('-green')) return 'green';
  }
  return undefined;
}

/**
 * Resolves Ref and Fn::GetAtt of the resource types alarms and event rules
 * name, to the emulator's resources; undefined for anything else, which the
 * resolver reports as unresolvable.
 */
export function emulatedLookup(t: Template, e: EmulatedResources): PhysicalLookup {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${e.region}:${e.account}:${resource}`;
  const self: PhysicalLookup = (id, attr) => {
    const r = t.Resources[id];
    if (!r) return undefined;
    const p = r.Properties ?? {};
    const named = (prop: unknown) => (typeof prop === 'string' ? prop : undefined);
    switch (r.Type) {
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm': {
        const name = named(p.AlarmName);
        if (!name) return undefined;
        return attr === 'Arn' ? arn('cloudwatch', `alarm:${name}`) : name;
      }
      case 'AWS::Lambda::Function': {
        const name = named(p.FunctionName) ?? id;
        return attr === 'Arn' ? arn('lambda', `function:${name}`) : name;
      }
      case 'AWS::ElasticLoadBalancingV2::Listener':
        // The production listener forwards with weights; another (the HTTP redirect) gets a sibling ARN.
        return JSON.stringify(p.DefaultActions ?? []).includes('ForwardConfig') ? e.listenerArn : `${e.listenerArn.replace(/\/[^/]+$/, '')}/redirect`;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        if (attr === 'LoadBalancerFullName') return elbDimension(e.loadBalancerArn);
        return attr === undefined || attr === 'LoadBalancerArn' ? e.loadBalancerArn : undefined;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        const color = targetGroupColor(t, id);
        const tg = color ? e.targetGroups[color] : p.TargetType === 'lambda' ? e.maintenanceTargetGroup : undefined;
        if (!tg) return undefined;
        if (attr === 'TargetGroupFullName') return elbDimension(tg);
        if (attr === 'TargetGroupName') return tg.split(':targetgroup/')[1].split('/')[0];
        return attr === undefined || attr === 'TargetGroupArn' ? tg : undefined;
      }
      case 'AWS::ECS::Cluster':
        return attr === 'Arn' ? arn('ecs', `cluster/${e.cluster}`) : e.cluster;
      case 'AWS::ECS::Service': {
        const name = named(p.ServiceName);
        const color = name?.endsWith('-blue') ? 'blue' : name?.endsWith('-green') ? 'green' : undefined;
        if (!color) return undefined;
        return attr === 'Name' ? e.services[color] : arn('ecs', `service/${e.cluster}/${e.services[color]}`);
      }
      case 'AWS::SNS::Topic': {
        const name = named(p.TopicName) ?? '';
        const topic = name.endsWith('-critical') ? e.topics.critical : name.endsWith('-warning') ? e.topics.warning : undefined;
        return attr === undefined || attr === 'TopicArn' ? topic : attr === 'TopicName' ? name : undefined;
      }
      case 'AWS::SQS::Queue':
        return attr === 'Arn' ? arn('sqs', id) : attr === 'QueueName' ? id : `https://sqs.${e.region}.amazonaws.com/${e.account}/${id}`;
      case 'AWS::Logs::LogGroup': {
        const name = named(p.LogGroupName) ?? id;
        return attr === 'Arn' ? arn('logs', `log-group:${name}:*`) : name;
      }
      default:
        return undefined;
    }
  };
  return self;
}
