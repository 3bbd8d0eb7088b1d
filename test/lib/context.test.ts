import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ArtifactMetadataEntryType } from 'aws-cdk-lib/cloud-assembly-schema';
import { inProcessApp } from '../../lib/context';

describe('the in-process app', () => {
  it('records no creation stack trace on a resource or a stack (each costs a source-mapped stack under jest)', () => {
    const app = inProcessApp();
    const stack = new Stack(app, 'S');
    const topic = new sns.Topic(stack, 'T');
    const types = [stack, topic.node.defaultChild!].flatMap((c) => c.node.metadata.map((m) => m.type));
    // The resource still carries its logical id, so metadata is recorded at all.
    expect(types).toContain(ArtifactMetadataEntryType.LOGICAL_ID);
    expect(types).not.toContain(ArtifactMetadataEntryType.CREATION_STACK);
  });
});
