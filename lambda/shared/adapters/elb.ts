import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  Action,
  RuleCondition,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { Color, COLORS } from '../colors';
import { validateWeights, Weights } from '../decisions/weights';
import { awsCall, sdkClient } from './clients';

const clients = { elb: sdkClient('elb', (c) => new ElasticLoadBalancingV2Client(c)) };

export type TargetGroups = Readonly<Record<Color, string>>;

const call = <T>(name: string, fn: () => Promise<T>) => awsCall(`elb:${name}`, fn);

/** Weights of a forward action, by color; a plain forward counts as weight 1. */
export function weightsOf(actions: Action[] | undefined, tgs: TargetGroups): Weights {
  const forward = (actions ?? []).find((a) => a.Type === 'forward');
  const w = { blue: 0, green: 0 };
  if (!forward) return w;
  const groups = forward.ForwardConfig?.TargetGroups ?? (forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : []);
  for (const g of groups) {
    for (const c of COLORS) if (g.TargetGroupArn === tgs[c]) w[c] = g.Weight ?? 1;
  }
  return w;
}

function forward(tgs: TargetGroups, weights: Weights, stickinessSeconds?: number): Action[] {
  validateWeights(weights);
  return [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: COLORS.map((c) => ({ TargetGroupArn: tgs[c], Weight: weights[c] })),
        TargetGroupStickinessConfig: stickinessSeconds ? { Enabled: true, DurationSeconds: stickinessSeconds } : { Enabled: false },
      },
    },
  ];
}

/** Production weights as the load balancer reports them now. */
export async function readWeights(listenerArn: string, tgs: TargetGroups): Promise<Weights> {
  return weightsOf(await productionActions(listenerArn), tgs);
}

/** Sets absolute production weights (never deltas, so a retried step lands in the same place). */
export async function setWeights(listenerArn: string, tgs: TargetGroups, weights: Weights, stickinessSeconds?: number): Promise<void> {
  await call('ModifyListener', () => clients.elb().send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: forward(tgs, weights, stickinessSeconds) })));
}

/** Points the test route at `idle` only. */
export async function setTestRoute(ruleArn: string, tgs: TargetGroups, idle: Color): Promise<void> {
  const weights = { blue: idle === 'blue' ? 1 : 0, green: idle === 'green' ? 1 : 0 };
  await call('ModifyRule', () => clients.elb().send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: forward(tgs, weights) })));
}

/** Weights of the test route. */
export async function readTestRoute(ruleArn: string, tgs: TargetGroups): Promise<Weights> {
  const r = await call('DescribeRules', () => clients.elb().send(new DescribeRulesCommand({ RuleArns: [ruleArn] })));
  return weightsOf(r.Rules?.[0]?.Actions, tgs);
}

/** The test route as the load balancer holds it: its weights and the values its `header` condition matches. */
export async function readTestRouteRule(ruleArn: string, tgs: TargetGroups, header: string): Promise<{ weights: Weights; headerValues: string[] }> {
  const r = await call('DescribeRules', () => clients.elb().send(new DescribeRulesCommand({ RuleArns: [ruleArn] })));
  const rule = r.Rules?.[0];
  const values = (rule?.Conditions ?? [])
    .filter((c) => c.Field === 'http-header' && c.HttpHeaderConfig?.HttpHeaderName?.toLowerCase() === header.toLowerCase())
    .flatMap((c) => c.HttpHeaderConfig?.Values ?? []);
  return { weights: weightsOf(rule?.Actions, tgs), headerValues: values };
}

export interface TargetHealth {
  readonly healthy: number;
  readonly unhealthy: number;
  readonly total: number;
}

export async function targetHealth(tgArn: string): Promise<TargetHealth> {
  const r = await call('DescribeTargetHealth', () => clients.elb().send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn })));
  const states = (r.TargetHealthDescriptions ?? []).map((d) => d.TargetHealth?.State);
  return {
    healthy: states.filter((s) => s === 'healthy').length,
    unhealthy: states.filter((s) => s === 'unhealthy').length,
    total: states.length,
  };
}

export async function targetGroupExists(tgArn: string): Promise<boolean> {
  try {
    const r = await call('DescribeTargetGroups', () => clients.elb().send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] })));
    return (r.TargetGroups ?? []).length === 1;
  } catch (e) {
    if (e instanceof Error && e.name === 'TargetGroupNotFoundException') return false;
    throw e;
  }
}

/** Creates a listener rule; returns its ARN. */
export async function createRule(listenerArn: string, priority: number, conditions: RuleCondition[], actions: Action[], tags: Record<string, string> = {}): Promise<string> {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const r = await call('CreateRule', () => clients.elb().send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: priority, Conditions: conditions, Actions: actions, Tags: Tags.length > 0 ? Tags : undefined })));
  const arn = r.Rules?.[0]?.RuleArn;
  if (!arn) throw new Error(`CreateRule at priority ${priority} returned no rule`);
  return arn;
}

/** Deletes a listener rule; a rule already gone counts as deleted. */
export async function deleteRule(ruleArn: string): Promise<void> {
  try {
    await call('DeleteRule', () => clients.elb().send(new DeleteRuleCommand({ RuleArn: ruleArn })));
  } catch (e) {
    if (e instanceof Error && e.name === 'RuleNotFoundException') return;
    throw e;
  }
}

/** The production listener's current default actions, to mirror them in bypass rules. */
export async function productionActions(listenerArn: string): Promise<Action[]> {
  const r = await call('DescribeListeners', () => clients.elb().send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })));
  return r.Listeners?.[0]?.DefaultActions ?? [];
}
