import { positionalsOf, type Field } from './fields';

const placeholder = (f: Field): string => (f.options ? f.options.join('|') : f.meta.label.replace(/\s+/g, '-'));

function fieldWords(f: Field): string {
  if (f.meta.positional !== undefined) return f.required ? `<${placeholder(f)}>` : `[<${placeholder(f)}>]`;
  const word = f.kind === 'boolean' ? `--${f.meta.flag}` : `--${f.meta.flag} <${placeholder(f)}>`;
  return f.kind === 'array' ? `[${word}]...` : f.required ? word : `[${word}]`;
}

/** `/runbook rollback <service> [--shard <shard>]... [--to <version>] [--in-place]`, from the declaration. */
export function usageLine(name: string, fields: Field[]): string {
  const ordered = [...positionalsOf(fields), ...fields.filter((f) => f.meta.flag !== undefined)];
  return [`/runbook ${name}`, ...ordered.map(fieldWords)].join(' ');
}

/** An example command built from the fields' examples (required ones, and flags that have an example). */
export function exampleLine(name: string, fields: Field[]): string | undefined {
  const words = positionalsOf(fields)
    .filter((f) => f.required || f.meta.example !== undefined)
    .map((f) => f.meta.example ?? f.options?.[0]);
  if (words.some((w) => w === undefined)) return undefined;
  return [`/runbook ${name}`, ...words].join(' ');
}

/** `/runbook help <name>`: the usage line, each field by label with its help, an example, and availability. */
export function helpLines(name: string, title: string, fields: Field[], unavailable?: string): string[] {
  const ordered = [...positionalsOf(fields), ...fields.filter((f) => f.meta.flag !== undefined)];
  const heads = ordered.map((f) => (f.meta.positional !== undefined ? `<${placeholder(f)}>` : `--${f.meta.flag}`));
  const width = Math.min(24, Math.max(0, ...heads.map((h) => h.length)));
  const lines = [usageLine(name, fields), `  ${title}`];
  ordered.forEach((f, i) => {
    const facts = [f.meta.description ?? f.meta.label, f.required ? undefined : 'optional', f.meta.example ? `e.g. ${f.meta.example}` : undefined].filter(
      Boolean,
    );
    lines.push(`  ${heads[i]!.padEnd(width)}  ${facts.join('; ')}`);
  });
  const example = exampleLine(name, fields);
  if (example) lines.push(`  Example: ${example}`);
  if (unavailable) lines.push(`  Not available: ${unavailable}`);
  return lines;
}
