/**
 * Resolves CloudFormation intrinsic functions in a synthesized template to the
 * values the rehearsal's emulator holds: Ref and Fn::GetAtt through a lookup
 * the world provides, Fn::Join/Select/Split/Sub locally, Fn::ImportValue from
 * the exporting template's outputs. An unresolvable reference is an error that
 * names it, never a silent placeholder.
 */
export type Template = { readonly Resources: Record<string, any>; readonly Outputs?: Record<string, any>; readonly Parameters?: Record<string, any> };

/** Physical value of a resource: `attribute` undefined for Ref. */
export type PhysicalLookup = (logicalId: string, attribute: string | undefined) => string | undefined;

export class UnresolvableReference extends Error {
  override readonly name = 'UnresolvableReference';
}

export interface ResolveContext {
  readonly template: Template;
  readonly lookup: PhysicalLookup;
  /** Templates whose exports this one imports, or whose SSM parameters it resolves at deploy. */
  readonly exporters?: ReadonlyArray<{ readonly template: Template; readonly lookup: PhysicalLookup }>;
  readonly region: string;
  readonly account: string;
}

export function resolve(value: unknown, ctx: ResolveContext): any {
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const v = value as Record<string, any>;
  if (keys.length === 1) {
    const [k] = keys;
    switch (k) {
      case 'Ref':
        return pseudo(v.Ref, ctx) ?? ssmParameter(v.Ref, ctx) ?? physical(v.Ref, undefined, ctx);
      case 'Fn::GetAtt': {
        const [id, attr] = typeof v[k] === 'string' ? (v[k] as string).split('.') : (v[k] as [string, string]);
        return physical(id, attr, ctx);
      }
      case 'Fn::Join': {
        const [sep, parts] = v[k] as [string, unknown[]];
        return (resolve(parts, ctx) as unknown[]).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = v[k] as [unknown, unknown];
        const items = resolve(list, ctx) as unknown[];
        const i = Number(resolve(index, ctx));
        if (!Array.isArray(items) || items[i] === undefined) throw new UnresolvableReference(`Fn::Select ${i} out of range of ${JSON.stringify(items)}`);
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, text] = v[k] as [string, unknown];
        return String(resolve(text, ctx)).split(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof v[k] === 'string' ? [v[k] as string, {}] : (v[k] as [string, Record<string, unknown>]);
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in vars) return String(resolve((vars as Record<string, unknown>)[name], ctx));
          const [id, attr] = name.split('.');
          return String(pseudo(id, ctx) ?? physical(id, attr, ctx));
        });
      }
      case 'Fn::ImportValue':
        return importValue(String(resolve(v[k], ctx)), ctx);
    }
  }
  return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, resolve(x, ctx)]));
}

function pseudo(name: string, ctx: ResolveContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return undefined;
  }
}

function physical(id: string, attr: string | undefined, ctx: ResolveContext): string {
  const found = ctx.lookup(id, attr);
  if (found !== undefined) return found;
  const type = ctx.template.Resources[id]?.Type ?? 'no such resource';
  throw new UnresolvableReference(`${attr ? `Fn::GetAtt ${id}.${attr}` : `Ref ${id}`} (${type}) has no value in the rehearsal`);
}

/**
 * A template parameter CloudFormation fills from SSM at deploy: the value an
 * exporting template's AWS::SSM::Parameter of that name writes. Undefined when
 * `name` is no such parameter.
 */
function ssmParameter(name: string, ctx: ResolveContext): string | undefined {
  const p = ctx.template.Parameters?.[name];
  if (!p || !String(p.Type).startsWith('AWS::SSM::Parameter::Value<')) return undefined;
  for (const e of ctx.exporters ?? []) {
    for (const r of Object.values(e.template.Resources)) {
      if (r.Type === 'AWS::SSM::Parameter' && r.Properties?.Name === p.Default) return resolve(r.Properties.Value, { ...ctx, template: e.template, lookup: e.lookup, exporters: [] });
    }
  }
  throw new UnresolvableReference(`parameter ${name} reads SSM parameter ${p.Default}, which no template writes`);
}

function importValue(name: string, ctx: ResolveContext): string {
  for (const e of ctx.exporters ?? []) {
    for (const out of Object.values(e.template.Outputs ?? {})) {
      if (out.Export && resolve(out.Export.Name, { ...ctx, template: e.template, lookup: e.lookup }) === name) {
        return resolve(out.Value, { ...ctx, template: e.template, lookup: e.lookup, exporters: [] });
      }
    }
  }
  throw new UnresolvableReference(`Fn::ImportValue ${name}: no template exports it`);
}
