import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SwitchyardConfig } from '../config/schema';
import { CutoverState } from '../constructs/cutover-state';

/** Properties of {@link StateStack}. */
export interface StateStackProps extends StackProps {
  /** Validated environment configuration. */
  readonly config: SwitchyardConfig;
}

/**
 * What outlives every deploy: the state a cutover records. Deployed first;
 * the platform resolves these parameters at deploy time.
 */
export class StateStack extends Stack {
  /** The recorded cutover state. */
  public readonly state: CutoverState;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    const c = props.config;
    this.state = new CutoverState(this, 'CutoverState', {
      serviceName: c.service.name,
      environment: c.environment,
      initialImage: c.service.image,
      initialDesiredCount: c.service.desiredCount,
    });
    new CfnOutput(this, 'LedgerTableName', { value: this.state.ledgerTable.tableName, description: 'Release ledger (npm run ledger reads it)' });
    new CfnOutput(this, 'LockTableName', { value: this.state.lockTable.tableName });
  }
}
