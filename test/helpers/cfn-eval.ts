/**
 * Resolves the parts of a CloudFormation template that depend on parameters:
 * Ref to a parameter, Fn::Equals, Fn::If, Fn::Not, Fn::And, Fn::Or. Used to
 * answer "what would CloudFormation deploy if the parameter held X?".
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function evaluate(template: { Conditions?: Record<string, Json>; Parameters?: Record<string, unknown> }, node: Json, params: Record<string, string>): Json {
  const conditions = template.Conditions ?? {};
  const condition = (name: string): boolean => {
    const c = conditions[name];
    if (c === undefined) throw new Error(`unknown condition ${name}`);
    return Boolean(ev(c));
  };
  const ev = (n: Json): Json => {
    if (Array.isArray(n)) return n.map(ev);
    if (n === null || typeof n !== 'object') return n;
    const keys = Object.keys(n);
    if (keys.length === 1) {
      const [k] = keys;
      const v = n[k];
      if (k === 'Ref' && typeof v === 'string' && v in params) return params[v];
      if (k === 'Fn::Equals' && Array.isArray(v)) return ev(v[0]) === ev(v[1]);
      if (k === 'Fn::Not' && Array.isArray(v)) return !ev(v[0]);
      if (k === 'Fn::And' && Array.isArray(v)) return v.every((x) => Boolean(ev(x)));
      if (k === 'Fn::Or' && Array.isArray(v)) return v.some((x) => Boolean(ev(x)));
      if (k === 'Condition' && typeof v === 'string') return condition(v);
      if (k === 'Fn::If' && Array.isArray(v)) return condition(v[0] as string) ? ev(v[1]) : ev(v[2]);
    }
    const out: Record<string, Json> = {};
    for (const k of keys) out[k] = ev(n[k]);
    return out;
  };
  return ev(node);
}

/** Logical id of the SSM-typed parameter whose default is `parameterName`. */
export function ssmParameterId(template: { Parameters?: Record<string, { Type?: string; Default?: string }> }, parameterName: string): string {
  const hit = Object.entries(template.Parameters ?? {}).find(([, p]) => p.Type?.startsWith('AWS::SSM::Parameter::Value') && p.Default === parameterName);
  if (!hit) throw new Error(`no SSM parameter for ${parameterName}`);
  return hit[0];
}
