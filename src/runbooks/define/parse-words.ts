import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { ParseResult } from '../../operations/runbook';
import type { ArgsSchema } from '../../operations/runbook-args';
import { showInput } from '../../util/text';
import { positionalsOf, type Field } from './fields';

type Options = NonNullable<ParseArgsConfig['options']>;

const flagList = (flags: Field[]): string => {
  const names = flags.map((f) => `\`--${f.meta.flag}\``);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
};

/** `Give the service, like `metapod`.`: what a missing field's message says, by its label. */
export function missingMessage(field: Field): string {
  if (field.options) return `Give the ${field.meta.label}: ${field.options.map((o) => `\`${o}\``).join(', ')}.`;
  return `Give the ${field.meta.label}${field.meta.example ? `, like \`${field.meta.example}\`` : ''}.`;
}

// The per-parse error map: used only where the field's own schema did not say better (schema errors win in zod 4).
function genericMessage(fields: Field[]) {
  return (issue: z.core.$ZodRawIssue): string => {
    const field = fields.find((f) => f.key === issue.path?.[0]);
    if (!field) return 'That input is not valid.';
    if (issue.input === undefined) return missingMessage(field);
    const given = showInput(typeof issue.input === 'string' ? issue.input : JSON.stringify(issue.input));
    if (field.options) return `Unknown ${field.meta.label} ${given}: use ${field.options.map((o) => `\`${o}\``).join(', ')}.`;
    return `${given} is not a valid ${field.meta.label}${field.meta.example ? ` (like \`${field.meta.example}\`)` : ''}.`;
  };
}

/**
 * Parses the words after a subcommand with `util.parseArgs` as the args schema declares them (positionals
 * by place, `--flag value` and `--flag=value`), then validates them with the same schema. Every refusal
 * names the field by its label.
 */
export function parseWords<A extends ArgsSchema>(args: A, fields: Field[], words: string[]): ParseResult<z.output<A>> {
  const flags = fields.filter((f) => f.meta.flag !== undefined);
  const options: Options = Object.fromEntries(
    flags.map((f) => [f.meta.flag!, { type: f.kind === 'boolean' ? 'boolean' : 'string', multiple: f.kind === 'array' }]),
  );
  // Flag names are not case-sensitive (`--Shard`); values are left as typed for the schema to judge.
  const normalized = words.map((w) => (w.startsWith('--') ? w.replace(/^--[^=]*/, (name) => name.toLowerCase()) : w));
  const { tokens } = parseArgs({ args: normalized, options, strict: false, allowPositionals: true, tokens: true });
  const raw: Record<string, unknown> = {};
  const positionals: string[] = [];
  const seenShort = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    else if (token.kind === 'option-terminator') continue;
    else if (!token.rawName.startsWith('--')) {
      // `-3` is a value someone typed (no runbook has short options): the schema judges it in its place.
      if (!seenShort.has(token.index)) positionals.push(words[token.index]!);
      seenShort.add(token.index);
    } else {
      const field = flags.find((f) => f.meta.flag === token.name);
      if (!field)
        return {
          ok: false,
          error: `Unknown option ${showInput(words[token.index]!.split('=')[0]!)}: ${flags.length > 0 ? `use ${flagList(flags)}` : 'this runbook takes no options'}.`,
        };
      if (field.kind === 'boolean') {
        if (token.inlineValue) return { ok: false, error: `\`--${field.meta.flag}\` takes no value.` };
        raw[field.key] = true;
        continue;
      }
      const value = token.value;
      if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--')))
        return { ok: false, error: `\`--${field.meta.flag}\` needs a value: the ${field.meta.label}.` };
      if (field.kind === 'array') raw[field.key] = [...((raw[field.key] as string[] | undefined) ?? []), value];
      else if (raw[field.key] !== undefined) return { ok: false, error: `\`--${field.meta.flag}\` is given twice: give one ${field.meta.label}.` };
      else raw[field.key] = typed(field, value);
    }
  }
  const places = positionalsOf(fields);
  positionals.forEach((word, i) => {
    const field = places[i];
    if (field) raw[field.key] = typed(field, word);
  });
  const order = (key: unknown) => fields.findIndex((f) => f.key === key);
  const firstIssue = (issues: z.core.$ZodIssue[]) => [...issues].sort((a, b) => order(a.path[0]) - order(b.path[0]))[0]!;
  if (positionals.length > places.length) {
    // Read left to right: a word in a field's place that is not valid is named before the words after it.
    const judged = args.safeParse(raw, { error: genericMessage(fields) });
    const wrong = judged.success ? undefined : judged.error.issues.filter((i) => places.some((f) => f.key === i.path[0]));
    if (wrong && wrong.length > 0) return { ok: false, error: firstIssue(wrong).message };
    const extra = positionals.slice(places.length);
    const after = places.length > 0 ? ` after the ${places[places.length - 1]!.meta.label}` : '';
    return { ok: false, error: `Unexpected ${extra.length === 1 ? 'word' : 'words'}${after}: ${showInput(extra.join(' '))}.` };
  }
  // The first missing positional is named before anything later is judged, as people read left to right.
  const missing = places.find((f) => f.required && raw[f.key] === undefined);
  if (missing) return { ok: false, error: missingMessage(missing) };
  const parsed = args.safeParse(raw, { error: genericMessage(fields) });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: firstIssue(parsed.error.issues).message };
}

// Enum words match case-insensitively; number fields take plain decimal words (anything else is left
// as typed, and the schema refuses it with the field's message).
function typed(field: Field, word: string): unknown {
  if (field.options) return field.options.find((o) => o === word.toLowerCase()) ?? word;
  if (field.kind === 'number' && /^\d{1,15}$/.test(word)) return Number(word);
  return word;
}
