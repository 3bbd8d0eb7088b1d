import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of {@link Network}. */
export interface NetworkProps {
  /**
   * An existing VPC to look up by id (cached in cdk.context.json).
   * @default - a new VPC is created from `create`
   */
  readonly vpcId?: string;
  /**
   * Settings of the VPC to create when no `vpcId` is given.
   * @default - 10.40.0.0/16 over 2 zones with 1 NAT gateway
   */
  readonly create?: {
    /** CIDR of the new VPC. */
    readonly cidr: string;
    /** Availability zones to span (an ALB needs two). */
    readonly maxAzs: number;
    /** NAT gateways for the private subnets. */
    readonly natGateways: number;
  };
  /**
   * Days to keep VPC flow logs of a created VPC.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/** The VPC the services and load balancer run in: created with flow logs, or looked up. */
export class Network extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if (props.vpcId && props.create) {
      throw new Error('Network: give either vpcId (use an existing VPC) or create (make a new one), not both');
    }
    if (props.vpcId) {
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId });
      return;
    }
    const create = props.create ?? { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 1 };
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(create.cidr),
      maxAzs: create.maxAzs,
      natGateways: create.natGateways,
      subnetConfiguration: [
        // Only the load balancer and NAT gateways live here, and both bring their own
        // addresses: nothing launched here should get a public IP by default.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.REJECT });
    this.vpc = vpc;
  }
}
