/**
 * Turns a synthesized state machine's DefinitionString (an Fn::Join with
 * tokens) into a plain ASL object: function ARNs become
 * arn:aws:lambda:REGION:ACCOUNT:function:<FunctionName>, task definitions their
 * family's ARN, other tokens placeholders.
 */
export const FAKE_ACCOUNT = '123456789012';

export interface RenderedDefinition {
  readonly definition: any;
  /** Physical function name of every Task, by state name. */
  readonly taskFunctions: Record<string, string>;
}

export function renderDefinition(template: any, logicalId: string, region = 'eu-west-1'): RenderedDefinition {
  const res = template.Resources[logicalId];
  if (res?.Type !== 'AWS::StepFunctions::StateMachine') throw new Error(`${logicalId} is not a state machine`);
  const parts: any[] = res.Properties.DefinitionString['Fn::Join'][1];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p.Ref === 'AWS::Partition') return 'aws';
      if (p.Ref === 'AWS::Region') return region;
      if (p.Ref === 'AWS::AccountId') return FAKE_ACCOUNT;
      if (p['Fn::GetAtt']?.[1] === 'Arn') {
        const fn = template.Resources[p['Fn::GetAtt'][0]];
        if (fn?.Type === 'AWS::Lambda::Function') return `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${fn.Properties.FunctionName}`;
      }
      if (p.Ref && template.Resources[p.Ref]?.Type === 'AWS::ECS::TaskDefinition') {
        return `arn:aws:ecs:${region}:${FAKE_ACCOUNT}:task-definition/${template.Resources[p.Ref].Properties.Family}:1`;
      }
      // Other ids (security groups of the sync tasks): placeholders naming their resource.
      if (p['Fn::GetAtt'] && template.Resources[p['Fn::GetAtt'][0]]) return `${p['Fn::GetAtt'][1].toLowerCase()}-${p['Fn::GetAtt'][0]}`;
      // Values the control stack resolves from the platform's SSM parameters (the sync tasks' subnets): placeholders naming them.
      if (p.Ref && template.Parameters?.[p.Ref]) return `parameter-${p.Ref}`;
      if (p['Fn::Select']?.[1]?.['Fn::Split']?.[1]?.Ref) return `parameter-${p['Fn::Select'][1]['Fn::Split'][1].Ref}-${p['Fn::Select'][0]}`;
      if (p['Fn::ImportValue']) return `arn:aws:sns:${region}:${FAKE_ACCOUNT}:imported-${String(p['Fn::ImportValue']).replace(/[^A-Za-z0-9-]/g, '')}`.slice(0, 200);
      throw new Error(`unrendered token ${JSON.stringify(p)}`);
    })
    .join('');
  const definition = JSON.parse(text);
  const taskFunctions: Record<string, string> = {};
  const walk = (states: Record<string, any>) => {
    for (const [name, st] of Object.entries(states)) {
      if (st.Type === 'Task' && typeof st.Resource === 'string' && st.Resource.includes(':function:')) taskFunctions[name] = st.Resource.split(':function:')[1];
      // The callback pattern (an approval gate) names its function in Parameters.
      else if (st.Type === 'Task' && String(st.Resource).includes(':states:::lambda:invoke') && String(st.Parameters?.FunctionName).includes(':function:')) taskFunctions[name] = String(st.Parameters.FunctionName).split(':function:')[1];
      if (st.Iterator?.States) walk(st.Iterator.States);
      if (st.ItemProcessor?.States) walk(st.ItemProcessor.States);
      for (const b of st.Branches ?? []) walk(b.States);
    }
  };
  walk(definition.States);
  return { definition, taskFunctions };
}

/** Every state of a definition, nested ones included. */
export function allStates(definition: any): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  const walk = (states: Record<string, any>) => {
    for (const [name, st] of Object.entries(states)) {
      out.push([name, st]);
      if (st.Iterator?.States) walk(st.Iterator.States);
      for (const b of st.Branches ?? []) walk(b.States);
    }
  };
  walk(definition.States);
  return out;
}
