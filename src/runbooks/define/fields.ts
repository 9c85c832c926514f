import type { z } from 'zod';
import { argMetaOf, type ArgMeta, type ArgsSchema } from '../../operations/runbook-args';

/** What the generated parser and help need to know about one declared field. */
export interface Field {
  key: string;
  meta: ArgMeta;
  schema: z.ZodType;
  /** The field's type once optional/default wrappers are removed. */
  kind: 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'other';
  /** The allowed words of an enum field (matched case-insensitively on the command line). */
  options?: string[];
  required: boolean;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  entries?: Record<string, string>;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

function base(schema: z.ZodType): { schema: z.ZodType; required: boolean } {
  let s = schema;
  let required = true;
  for (;;) {
    const def = defOf(s);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && def.innerType) {
      required = false;
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in) s = def.in;
    else return { schema: s, required };
  }
}

/** The fields of an args schema in declaration order; refuses (throws) a field declared without `arg()`. */
export function fieldsOf(args: ArgsSchema): Field[] {
  return Object.entries(args.shape).map(([key, schema]) => {
    const meta = argMetaOf(schema);
    if (!meta) throw new Error(`Field \`${key}\` was declared without arg(): the parser would not know how it is written.`);
    if ((meta.positional === undefined) === (meta.flag === undefined)) throw new Error(`Field \`${key}\` must be either positional or a flag.`);
    const inner = base(schema);
    const type = defOf(inner.schema).type;
    const kind = type === 'string' || type === 'number' || type === 'boolean' || type === 'enum' || type === 'array' ? type : 'other';
    const options = type === 'enum' ? Object.values(defOf(inner.schema).entries ?? {}) : undefined;
    return { key, meta, schema, kind, options, required: inner.required };
  });
}

/** Positional fields in their order on the command line. */
export function positionalsOf(fields: Field[]): Field[] {
  return fields.filter((f) => f.meta.positional !== undefined).sort((a, b) => a.meta.positional! - b.meta.positional!);
}
