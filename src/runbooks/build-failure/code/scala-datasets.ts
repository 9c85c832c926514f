/**
 * Commenting one dataset out of itaipu's Scala listing (`dataset.FxModel,` for `dataset/fx-model`),
 * on tree-sitter-scala's syntax tree: the entry must be exactly `dataset.<Name>` (so `FxModelFeatures`
 * is never taken for `FxModel`), an argument of the listing call, alone on its line. The edited file
 * is parsed again and must list the same datasets minus that one, or the bot proposes no edit.
 */
import { Refusal } from './dag-removal';
import { firstLine, lineOf, syntaxProblems, withTree, type Node } from './grammars';
import { applyEdits, firstChangedLine, indentAt, unifiedDiff, wholeLines, type TextEdit } from './text-edits';

export type ScalaEdit = { ok: true; content: string; diff: string; line: number } | { ok: false; reason: string };

/** `fx-model` -> `FxModel` (itaipu's dataset object names). */
export function pascalCase(base: string): string {
  return base
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Every `dataset.<Name>` entry of the file, with its node. */
function datasetEntries(root: Node): Node[] {
  return root
    .descendantsOfType('field_expression')
    .filter((n) => n.childForFieldName('value')?.text === 'dataset' && n.childForFieldName('value')?.type === 'identifier');
}

const entryName = (n: Node): string => n.childForFieldName('field')?.text ?? '';

function commaAfter(node: Node): Node | undefined {
  for (let n = node.nextSibling; n; n = n.nextSibling) if (n.type !== 'comment') return n.type === ',' ? n : undefined;
  return undefined;
}

function plan(root: Node, source: string, name: string, file: string, note: string): { content: string; remaining: string[] } {
  const problem = syntaxProblems(root, 1)[0];
  if (problem) throw new Refusal(`${file} does not parse (line ${problem.line}: ${problem.what}); the bot only edits files it can read`);
  const entries = datasetEntries(root);
  const matches = entries.filter((e) => entryName(e) === name);
  if (matches.length === 0)
    throw new Refusal(`The dataset \`dataset.${name}\` is not in ${file} (already commented out, or listed in a way the bot does not recognise).`);
  if (matches.length > 1)
    throw new Refusal(`The dataset \`dataset.${name}\` appears ${matches.length} times in ${file} (lines ${matches.map(lineOf).join(', ')}); edit it by hand.`);
  const entry = matches[0]!;
  if (entry.parent?.type !== 'arguments')
    throw new Refusal(
      `\`dataset.${name}\` (line ${lineOf(entry)}) is not an entry of a dataset listing (it is inside \`${firstLine(entry.parent?.text ?? '')}\`); edit it by hand.`,
    );
  const comma = commaAfter(entry);
  const span = wholeLines(source, entry.startIndex, comma?.endIndex ?? entry.endIndex, '//');
  if (!span.whole) throw new Refusal(`\`dataset.${name}\` shares line ${lineOf(entry)} of ${file} with other code; edit it by hand.`);
  const edits: TextEdit[] = [
    { start: span.start, end: span.end, text: `${indentAt(source, entry.startIndex)}// ${entry.text}${comma ? ',' : ''} // ${note}\n` },
  ];
  if (!comma) {
    // The last entry: the one before it keeps no dangling comma (Scala before 2.12.2 rejects one).
    const previous = entry.parent.namedChildren.filter((c) => c.type !== 'comment' && c.endIndex <= entry.startIndex).at(-1);
    const previousComma = previous ? commaAfter(previous) : undefined;
    if (previousComma) edits.push({ start: previousComma.startIndex, end: previousComma.endIndex, text: '' });
  }
  return { content: applyEdits(source, edits), remaining: entries.filter((e) => e.id !== entry.id).map(entryName) };
}

function verify(root: Node, remaining: string[]): void {
  const problem = syntaxProblems(root, 1)[0];
  if (problem) throw new Refusal(`the edited file would not parse (line ${problem.line}: ${problem.what}); the bot proposes no edit`);
  const after = datasetEntries(root).map(entryName);
  if (after.join('\n') !== remaining.join('\n')) throw new Refusal('the edited file would not list the same other datasets; the bot proposes no edit');
}

/** Comments out itaipu's entry for dataset `base`, or says why it will not. */
export async function commentOutDatasetEntry(source: string, base: string, file: string, note: string): Promise<ScalaEdit> {
  try {
    const planned = await withTree('scala', source, (root) => plan(root, source, pascalCase(base), file, note));
    await withTree('scala', planned.content, (root) => verify(root, planned.remaining));
    const diff = unifiedDiff(source, planned.content, file);
    return { ok: true, content: planned.content, diff, line: firstChangedLine(source, planned.content) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.message };
    throw err;
  }
}
