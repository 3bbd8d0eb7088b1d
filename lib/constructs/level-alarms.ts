import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** A warning level and a critical level of one signal. */
export interface Levels {
  /** Level that notifies the warning topic. */
  readonly warning: number;
  /** Level that pages (or feeds a rollback alarm). */
  readonly critical: number;
}

/** What {@link levelAlarms} builds a pair of alarms from. */
export interface LevelAlarmOptions {
  /** Construct id prefix, such as `ErrorRate`. */
  readonly id: string;
  /** Alarm name before `-warning` / `-critical`. */
  readonly name: string;
  /** Signal to compare. */
  readonly metric: cloudwatch.IMetric;
  /** The two thresholds; the alarm fires above each. */
  readonly levels: Levels;
  /** Missing-data treatment, chosen per signal by the caller. */
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** What the signal measures, for the alarm description. */
  readonly description: string;
  /** Periods that must breach, in a row. */
  readonly evaluationPeriods: number;
}

/** A warning and a critical alarm on one signal, firing above each level. */
export function levelAlarms(scope: Construct, o: LevelAlarmOptions): { warning: cloudwatch.Alarm; critical: cloudwatch.Alarm } {
  const make = (severity: 'warning' | 'critical') =>
    new cloudwatch.Alarm(scope, `${o.id}${severity === 'warning' ? 'Warning' : 'Critical'}`, {
      alarmName: `${o.name}-${severity}`,
      alarmDescription: `${o.description} above ${o.levels[severity]} (${severity})`,
      metric: o.metric,
      threshold: o.levels[severity],
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: o.evaluationPeriods,
      datapointsToAlarm: o.evaluationPeriods,
      treatMissingData: o.treatMissingData,
    });
  return { warning: make('warning'), critical: make('critical') };
}
