import { MetricId } from '../metrics/store';
import { resolve, ResolveContext } from './intrinsics';
import { AlarmCriteria, ComparisonOperator, TreatMissingData } from './state';

/**
 * Alarms and event rules exactly as the synthesized templates define them,
 * with every reference resolved to the emulator's resources. Reading only:
 * evaluating them is engine.ts, delivering their events deliver.ts.
 */

/** Where a definition came from, for error messages. */
export interface Origin {
  readonly logicalId: string;
  /** The construct path, when known. */
  readonly path?: string;
}

export interface MetricQuery {
  readonly id: string;
  readonly returnData: boolean;
  /** A metric and its statistic, or an expression over the other queries' ids. */
  readonly metric?: { readonly metric: MetricId; readonly periodSeconds: number; readonly stat: string };
  readonly expression?: string;
}

export interface MetricAlarmDef extends Origin {
  readonly kind: 'metric';
  readonly name: string;
  readonly periodSeconds: number;
  /** One query for a plain metric alarm (id "m1"), several for metric math. */
  readonly queries: readonly MetricQuery[];
  readonly criteria: AlarmCriteria;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

export interface CompositeAlarmDef extends Origin {
  readonly kind: 'composite';
  readonly name: string;
  /** The AlarmRule with alarm ARNs resolved. */
  readonly rule: string;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

export type AlarmDef = MetricAlarmDef | CompositeAlarmDef;

export interface EventRuleTarget {
  readonly arn: string;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  /** Constant input replacing the event, when the target sets one. */
  readonly input?: string;
  readonly hasInputTransformer: boolean;
  readonly deadLetterArn?: string;
  /** A Lambda target's asynchronous-invocation settings, when the template configures them. */
  readonly asyncInvoke?: AsyncInvokeConfig;
}

/** A function's AWS::Lambda::EventInvokeConfig for $LATEST (what an unqualified target ARN invokes). */
export interface AsyncInvokeConfig {
  /** Lambda's retries of a function error (default 2). */
  readonly maximumRetryAttempts: number;
  /** Past this age (counted from when Lambda queued the event) it is not retried (default 21,600). */
  readonly maximumEventAgeSeconds: number;
  /** Where Lambda sends an event whose retries ran out or that grew too old, instead of dropping it. */
  readonly onFailure?: string;
}

export interface EventRuleDef extends Origin {
  readonly pattern?: Record<string, unknown>;
  readonly schedule?: string;
  readonly enabled: boolean;
  readonly targets: readonly EventRuleTarget[];
}

export class InvalidAlarmDefinition extends Error {
  override readonly name = 'InvalidAlarmDefinition';
}

/** Logical id and construct path of a definition, for messages. */
export const describeOrigin = (o: Origin): string => `${o.logicalId}${o.path ? ` (${o.path})` : ''}`;

const dims = (list: unknown): Record<string, string> => Object.fromEntries(((list as Array<{ Name: string; Value: string }>) ?? []).map((d) => [d.Name, String(d.Value)]));

/** Every metric and composite alarm of a template. */
export function readAlarms(ctx: ResolveContext, paths: Readonly<Record<string, string>> = {}): AlarmDef[] {
  const out: AlarmDef[] = [];
  for (const [logicalId, r] of Object.entries(ctx.template.Resources)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm' && r.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
    const origin = { logicalId, path: paths[logicalId] };
    const p = resolveOrExplain(r.Properties, ctx, origin);
    const actions = { alarmActions: (p.AlarmActions ?? []) as string[], okActions: (p.OKActions ?? []) as string[] };
    if (r.Type === 'AWS::CloudWatch::CompositeAlarm') {
      out.push({ kind: 'composite', ...origin, name: p.AlarmName, rule: p.AlarmRule, ...actions });
      continue;
    }
    const fail = (why: string) => new InvalidAlarmDefinition(`alarm ${p.AlarmName ?? logicalId} at ${describeOrigin(origin)}: ${why}`);
    if (!p.AlarmName) throw fail('it has no AlarmName; the rehearsal (and the alarm rule) need alarms by name');
    let queries: MetricQuery[];
    let periodSeconds: number;
    if (Array.isArray(p.Metrics)) {
      queries = p.Metrics.map((m: any) => ({
        id: m.Id,
        returnData: m.ReturnData !== false,
        metric: m.MetricStat ? { metric: { namespace: m.MetricStat.Metric.Namespace, metricName: m.MetricStat.Metric.MetricName, dimensions: dims(m.MetricStat.Metric.Dimensions) }, periodSeconds: m.MetricStat.Period, stat: m.MetricStat.Stat } : undefined,
        expression: m.Expression,
      }));
      const returning = queries.filter((q) => q.returnData);
      if (returning.length !== 1) throw fail(`exactly one of its Metrics must return data, ${returning.length} do`);
      periodSeconds = returning[0].metric?.periodSeconds ?? p.Metrics.find((m: any) => m.Id === returning[0].id)?.Period ?? Math.max(...queries.map((q) => q.metric?.periodSeconds ?? 0));
      if (!(periodSeconds > 0)) throw fail('no period: give the expression or its metrics a Period');
    } else {
      const stat = p.Statistic ?? p.ExtendedStatistic;
      if (!p.Namespace || !p.MetricName || !stat) throw fail('a plain metric alarm needs Namespace, MetricName and Statistic or ExtendedStatistic');
      periodSeconds = p.Period;
      queries = [{ id: 'm1', returnData: true, metric: { metric: { namespace: p.Namespace, metricName: p.MetricName, dimensions: dims(p.Dimensions) }, periodSeconds, stat } }];
    }
    const evaluationPeriods = Number(p.EvaluationPeriods);
    out.push({
      kind: 'metric',
      ...origin,
      name: p.AlarmName,
      periodSeconds,
      queries,
      criteria: {
        threshold: Number(p.Threshold),
        comparison: p.ComparisonOperator as ComparisonOperator,
        evaluationPeriods,
        datapointsToAlarm: Number(p.DatapointsToAlarm ?? evaluationPeriods),
        treatMissingData: (p.TreatMissingData ?? 'missing') as TreatMissingData,
      },
      ...actions,
    });
  }
  return out;
}

/** Every EventBridge rule of a template, targets resolved to ARNs. */
export function readEventRules(ctx: ResolveContext, paths: Readonly<Record<string, string>> = {}): EventRuleDef[] {
  // Asynchronous-invocation settings by the function's logical id.
  const asyncInvoke = new Map<string, AsyncInvokeConfig>();
  for (const [logicalId, r] of Object.entries(ctx.template.Resources)) {
    const fn = r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.Qualifier === '$LATEST' ? r.Properties.FunctionName?.Ref : undefined;
    if (typeof fn !== 'string') continue;
    const p = resolveOrExplain(r.Properties, ctx, { logicalId, path: paths[logicalId] });
    asyncInvoke.set(fn, { maximumRetryAttempts: p.MaximumRetryAttempts ?? 2, maximumEventAgeSeconds: p.MaximumEventAgeInSeconds ?? 21_600, onFailure: p.DestinationConfig?.OnFailure?.Destination });
  }
  const configOf = (arn: unknown) => {
    const ref = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    return ref && ref[1] === 'Arn' ? asyncInvoke.get(ref[0]) : undefined;
  };
  return Object.entries(ctx.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .map(([logicalId, r]) => {
      const origin = { logicalId, path: paths[logicalId] };
      const p = resolveOrExplain(r.Properties, ctx, origin);
      return {
        ...origin,
        pattern: p.EventPattern,
        schedule: p.ScheduleExpression,
        enabled: (p.State ?? 'ENABLED') === 'ENABLED',
        targets: (p.Targets ?? []).map((t: any, i: number) => ({
          arn: t.Arn,
          // EventBridge's defaults: 185 retries over 24 hours.
          maximumRetryAttempts: t.RetryPolicy?.MaximumRetryAttempts ?? 185,
          maximumEventAgeSeconds: t.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
          input: t.Input,
          hasInputTransformer: t.InputTransformer !== undefined || t.InputPath !== undefined,
          deadLetterArn: t.DeadLetterConfig?.Arn,
          asyncInvoke: configOf(r.Properties.Targets?.[i]?.Arn),
        })),
      };
    });
}

function resolveOrExplain(props: unknown, ctx: ResolveContext, origin: Origin): any {
  try {
    return resolve(props, ctx);
  } catch (e) {
    throw new InvalidAlarmDefinition(`${describeOrigin(origin)}: ${(e as Error).message}`);
  }
}
