import { z } from 'zod';
import type { AnyRunbook, RunbookRegistry } from '../../operations/runbook';
import { argMetaOf, type ArgMeta } from '../../operations/runbook-args';

/** One field of a runbook's `args`, as a form shows it. */
export interface FormField {
  key: string;
  schema: z.ZodType;
  meta: ArgMeta;
  optional: boolean;
  /** The allowed values when the field is an enum (shown as a select menu). */
  choices?: string[];
  /** `flag`: a yes/no switch (a checkbox; the word is `--flag` alone); `list`: several values; `value`: one. */
  shape: 'value' | 'flag' | 'list';
}

/** Block id of a field's input: stable across renders so Slack keeps what was typed and errors find it. */
export const fieldBlockId = (key: string): string => `arg:${key}`;

/** Peels optional/default/nullable wrappers off a field to see what it is. */
function inner(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (let i = 0; i < 5; i += 1) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else break;
  }
  return s;
}

/**
 * The form's fields in command order (positional by place, then flags as declared). A field declared
 * without `arg()` metadata makes the whole runbook unavailable as a form (fail closed: the form could
 * not write it back as words).
 */
export function formFields(runbook: AnyRunbook): FormField[] | undefined {
  if (!runbook.args) return undefined;
  const fields: FormField[] = [];
  for (const [key, schema] of Object.entries(runbook.args.shape)) {
    const meta = argMetaOf(schema);
    if (!meta || (meta.positional === undefined) === (meta.flag === undefined)) return undefined;
    const base = inner(schema);
    const choices = base instanceof z.ZodEnum ? (base.options as unknown[]).map(String) : undefined;
    const shape = base instanceof z.ZodBoolean ? 'flag' : base instanceof z.ZodArray ? 'list' : 'value';
    // A form label starts with a capital, as Slack's own labels do (the command's messages use the label as written).
    fields.push({
      key,
      schema,
      meta: { ...meta, label: meta.label.charAt(0).toUpperCase() + meta.label.slice(1) },
      optional: schema.safeParse(undefined).success,
      shape,
      ...(choices ? { choices } : {}),
    });
  }
  const positional = fields.filter((f) => f.meta.positional !== undefined).sort((a, b) => a.meta.positional! - b.meta.positional!);
  return [...positional, ...fields.filter((f) => f.meta.flag !== undefined)];
}

/** Runbooks a form can offer: those whose every argument carries metadata. */
export function formRunbooks(runbooks: RunbookRegistry): AnyRunbook[] {
  return [...runbooks.values()].filter((r) => formFields(r) !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

/** The items of a list field as typed: separated by spaces or commas. */
export const listItems = (raw: string): string[] => raw.split(/[\s,]+/).filter((w) => w.length > 0);

/** What a field's schema is given for the raw form value: a switch is true when ticked, a list its items. */
export function fieldValue(field: FormField, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  // The only box offered is `true`: any other value is passed on as it came, so the schema refuses it (never read as unticked).
  if (field.shape === 'flag') return raw === 'true' ? true : raw;
  return field.shape === 'list' ? listItems(raw) : raw;
}

/** The command words for `values` (positional in order, then `--flag value`), as the slash command reads them. */
export function toWords(fields: FormField[], values: Record<string, string | undefined>): string[] {
  const words: string[] = [];
  for (const f of fields) {
    const v = values[f.key];
    if (v === undefined) continue;
    if (f.shape === 'flag') {
      if (v === 'true') words.push(`--${f.meta.flag!}`);
    } else if (f.shape === 'list') {
      for (const item of listItems(v)) words.push(...(f.meta.positional !== undefined ? [item] : [`--${f.meta.flag!}`, item]));
    } else if (f.meta.positional !== undefined) words.push(v);
    else words.push(`--${f.meta.flag!}`, v);
  }
  return words;
}
