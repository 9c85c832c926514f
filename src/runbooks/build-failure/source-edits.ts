/**
 * The smallest source edits that stop a dataset or model from running tomorrow (design.md: leave
 * neighbours such as `FxModelFeatures` next to `FxModel` untouched), and the policy model list.
 */

export interface SourceEdit {
  /** 1-based line number of the changed line. */
  line: number;
  before: string;
  /** undefined when the line is removed. */
  after?: string;
  content: string;
  /** A short unified-style diff for the preview. */
  diff: string;
}

export type EditResult = { ok: true; edit: SourceEdit } | { ok: false; reason: string };

/** `fx-model` -> `FxModel` (itaipu's dataset object names). */
export function pascalCase(base: string): string {
  return base
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** The string literals of `policy_models = [...]` in the DAG file; undefined when there is no such list. */
export function parsePolicyModels(source: string): string[] | undefined {
  const m = /^policy_models\s*=\s*\[([\s\S]*?)\]/m.exec(source);
  if (!m) return undefined;
  const body = m[1]!
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join('\n');
  return [...body.matchAll(/(['"])([^'"\n]+)\1/g)].map((x) => x[2]!);
}

/** Line range (0-based, inclusive) of the `policy_models` list, so its entries are never edited. */
function policyRange(lines: string[]): [number, number] | undefined {
  const start = lines.findIndex((l) => /^policy_models\s*=\s*\[/.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i >= start && l.includes(']'));
  return [start, end < 0 ? lines.length - 1 : end];
}

function makeDiff(lines: string[], index: number, after: string | undefined, file: string): string {
  const from = Math.max(0, index - 2);
  const to = Math.min(lines.length - 1, index + 2);
  const out = [`--- a/${file}`, `+++ b/${file}`, `@@ line ${index + 1} @@`];
  for (let i = from; i <= to; i++) {
    if (i !== index) out.push(` ${lines[i]}`);
    else {
      out.push(`-${lines[i]}`);
      if (after !== undefined) out.push(`+${after}`);
    }
  }
  return out.join('\n');
}

function single(lines: string[], matches: number[], what: string, file: string): { ok: true; index: number } | { ok: false; reason: string } {
  if (matches.length === 0) return { ok: false, reason: `${what} is not in ${file} (already removed, or declared in a way the bot does not recognise).` };
  if (matches.length > 1) return { ok: false, reason: `${what} appears on ${matches.length} lines of ${file} (lines ${matches.map((i) => i + 1).join(', ')}); edit it by hand.` };
  return { ok: true, index: matches[0]! };
}

/** Removes the one line of the DAG file that declares model `base` (a line quoting exactly `'base'`). */
export function removeModel(source: string, base: string, file: string): EditResult {
  const lines = source.split('\n');
  const policy = policyRange(lines);
  const quoted = new RegExp(`(['"])${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`);
  const matches = lines
    .map((l, i) => (quoted.test(l.replace(/#.*$/, '')) && !/^\s*#/.test(l) && !(policy && i >= policy[0] && i <= policy[1]) ? i : -1))
    .filter((i) => i >= 0);
  const found = single(lines, matches, `The model \`${base}\``, file);
  if (!found.ok) return found;
  const before = lines[found.index]!;
  const opens = (before.match(/\(/g) ?? []).length;
  if (opens === 0 || opens !== (before.match(/\)/g) ?? []).length || !/[,)]\s*(#.*)?$/.test(before)) {
    return { ok: false, reason: `The model \`${base}\` is declared over several lines in ${file} (line ${found.index + 1}); edit it by hand.` };
  }
  const diff = makeDiff(lines, found.index, undefined, file);
  const content = [...lines.slice(0, found.index), ...lines.slice(found.index + 1)].join('\n');
  return { ok: true, edit: { line: found.index + 1, before, content, diff } };
}

/** Comments out itaipu's entry for dataset `base` (`dataset.FxModel,` for `dataset/fx-model`). */
export function commentOutDataset(source: string, base: string, file: string, note: string): EditResult {
  const lines = source.split('\n');
  const entry = new RegExp(`^(\\s*)(dataset\\.${pascalCase(base)}\\s*,?)\\s*(//.*)?$`);
  const found = single(lines, lines.map((l, i) => (entry.test(l) ? i : -1)).filter((i) => i >= 0), `The dataset \`dataset.${pascalCase(base)}\``, file);
  if (!found.ok) return found;
  const before = lines[found.index]!;
  const [, indent, code] = entry.exec(before)!;
  const after = `${indent}// ${code!.trim()} // ${note}`;
  const diff = makeDiff(lines, found.index, after, file);
  const content = lines.map((l, i) => (i === found.index ? after : l)).join('\n');
  return { ok: true, edit: { line: found.index + 1, before, after, content, diff } };
}
