import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** A warning level and a critical level of one signal. */
export interface Levels {
  /** Level that notifies the warning topic. */
  readonly warning: number;
  /** Level that pages (or feeds a rollback alarm). */
  readonly critical: number;
}

/** How an alarm evaluates: it fires when `datapointsToAlarm` of the last `evaluationPeriods` periods breach. */
export interface AlarmEvaluation {
  /** Periods looked at, each as long as the metric's period. */
  readonly evaluationPeriods: number;
  /** Of those, how many must breach. */
  readonly datapointsToAlarm: number;
}

/** What {@link levelAlarms} builds a pair of alarms from. */
export interface LevelAlarmOptions {
  /** Construct id prefix, such as `ErrorRate`. */
  readonly id: string;
  /** Alarm name before `-warning` / `-critical`. */
  readonly name: string;
  /** Signal to compare, at the period the alarm evaluates. */
  readonly metric: cloudwatch.IMetric;
  /** The two thresholds; the alarm fires above each. */
  readonly levels: Levels;
  /** Missing-data treatment, chosen per signal by the caller. */
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** What the signal measures, for the alarm description. */
  readonly description: string;
  /** How many periods are looked at and how many must breach. */
  readonly evaluation: AlarmEvaluation;
}

/** The two alarms of one signal. */
export interface LevelAlarmPair {
  /** Fires above the warning level. */
  readonly warning: cloudwatch.Alarm;
  /** Fires above the critical level. */
  readonly critical: cloudwatch.Alarm;
}

/** A warning and a critical alarm on one signal, firing above each level. */
export function levelAlarms(scope: Construct, o: LevelAlarmOptions): LevelAlarmPair {
  const make = (severity: 'warning' | 'critical') =>
    new cloudwatch.Alarm(scope, `${o.id}${severity === 'warning' ? 'Warning' : 'Critical'}`, {
      alarmName: `${o.name}-${severity}`,
      alarmDescription: `${o.description} above ${o.levels[severity]} (${severity})`,
      metric: o.metric,
      threshold: o.levels[severity],
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: o.evaluation.evaluationPeriods,
      datapointsToAlarm: o.evaluation.datapointsToAlarm,
      treatMissingData: o.treatMissingData,
    });
  return { warning: make('warning'), critical: make('critical') };
}
