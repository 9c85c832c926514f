/**
 * Turns a RemovalPlan into text edits that keep the file valid Python: list, tuple, dict and
 * argument elements go with their comma (whole lines when they stand alone), chains are re-linked
 * around the removed operand (`a >> b >> c` without b is `a >> c`), a collection or chain left empty
 * goes as a whole, and a block left without statements gets `pass`. Cases it cannot repair refuse.
 */
import { firstLine, lineOf, type Node } from './grammars';
import { Refusal, type ChainRemoval, type ContainerRemoval, type RemovalPlan } from './dag-removal';
import { indentAt, wholeLines, type TextEdit } from './text-edits';

const elementsOf = (container: Node): Node[] => container.namedChildren.filter((c) => c.type !== 'comment');
const depth = (node: Node): number => {
  let d = 0;
  for (let n = node.parent; n; n = n.parent) d++;
  return d;
};

/** The `,` token right after `element` inside its container (comments skipped), if any. */
function commaAfter(element: Node): Node | undefined {
  for (let n = element.nextSibling; n; n = n.nextSibling) {
    if (n.type === 'comment') continue;
    return n.type === ',' ? n : undefined;
  }
  return undefined;
}

/** Element edits of one container whose remaining elements are `remaining`. */
function containerEdits(source: string, entry: ContainerRemoval, remaining: Node[]): TextEdit[] {
  const { node } = entry;
  if ((node.type === 'tuple' && remaining.length === 1) || (node.type === 'expression_list' && remaining.length <= 1)) {
    throw new Refusal(`removing it would turn the tuple ${`\`${firstLine(node.text)}\``} (line ${lineOf(node)}) into a single value; edit it by hand`);
  }
  const elements = elementsOf(node);
  const removed = elements.map((e) => entry.removed.has(e.id));
  const edits: TextEdit[] = [];
  // Elements alone on their lines go with their whole lines (and trailing comment): the cleanest diff.
  const lines = elements.map((e, i) => (removed[i] ? wholeLines(source, e.startIndex, commaAfter(e)?.endIndex ?? e.endIndex, '#') : undefined));
  if (lines.every((l) => l === undefined || l.whole)) {
    for (const l of lines) if (l) edits.push({ start: l.start, end: l.end, text: '' });
    return edits;
  }
  for (let i = 0; i < elements.length; i++) {
    if (!removed[i]) continue;
    let j = i;
    while (j + 1 < elements.length && removed[j + 1]) j++;
    const first = elements[i]!;
    const last = elements[j]!;
    const comma = commaAfter(last);
    if (comma) {
      // `a, b, c` without b: from b up to what follows its comma.
      const next = comma.nextSibling;
      edits.push({ start: first.startIndex, end: next && j + 1 < elements.length ? elements[j + 1]!.startIndex : comma.endIndex, text: '' });
    } else if (i > 0) {
      // The last element: from the previous element's comma.
      edits.push({ start: commaAfter(elements[i - 1]!)!.startIndex, end: last.endIndex, text: '' });
    } else edits.push({ start: first.startIndex, end: last.endIndex, text: '' });
    i = j;
  }
  return edits;
}

const PLAIN_OPERAND = new Set(['identifier', 'attribute', 'subscript', 'list', 'tuple']);
const isList = (n: Node): boolean => n.type === 'list' || n.type === 'tuple';

/** Whether an operand left alone in a chain only names tasks (so the statement can go). */
function onlyNames(node: Node): boolean {
  if (!PLAIN_OPERAND.has(node.type)) return false;
  return node.descendantsOfType('call').length === 0;
}

function chainEdits(plan: RemovalPlan, chain: ChainRemoval): TextEdit[] {
  const { operands, removed } = chain;
  const remaining = operands.filter((_, i) => !removed.has(i));
  if (remaining.length < 2) {
    if (!remaining.every(onlyNames))
      throw new Refusal(
        `removing it from ${`\`${firstLine(chain.statement.text)}\``} (line ${lineOf(chain.statement)}) would leave a call that builds another task standing alone; edit it by hand`,
      );
    plan.removeStatement(chain.statement);
    return [];
  }
  for (let k = 1; k < remaining.length; k++) {
    if (isList(remaining[k - 1]!) && isList(remaining[k]!))
      throw new Refusal(
        `removing it from the chain at line ${lineOf(chain.statement)} would link a list to a list (\`${firstLine(remaining[k - 1]!.text)} >> ${firstLine(remaining[k]!.text)}\`), which Airflow rejects; edit it by hand`,
      );
  }
  const edits: TextEdit[] = [];
  for (let i = 0; i < operands.length; i++) {
    if (!removed.has(i)) continue;
    let j = i;
    while (j + 1 < operands.length && removed.has(j + 1)) j++;
    // `a >> b >> c` without b: drop ` >> b`; without a: drop `a >> `.
    edits.push(
      i > 0
        ? { start: operands[i - 1]!.endIndex, end: operands[j]!.endIndex, text: '' }
        : { start: operands[0]!.startIndex, end: operands[j + 1]!.startIndex, text: '' },
    );
    i = j;
  }
  return edits;
}

function statementEdits(source: string, plan: RemovalPlan): TextEdit[] {
  const edits: TextEdit[] = [];
  const byBlock = new Map<number, Node[]>();
  for (const statement of plan.statements.values()) {
    const span = wholeLines(source, statement.startIndex, statement.endIndex, '#');
    if (!span.whole) throw new Refusal(`${`\`${firstLine(statement.text)}\``} (line ${lineOf(statement)}) shares its line with other code; edit it by hand`);
    edits.push({ start: span.start, end: span.end, text: '' });
    const block = statement.parent!;
    byBlock.set(block.id, [...(byBlock.get(block.id) ?? []), statement]);
  }
  for (const removed of byBlock.values()) {
    const block = removed[0]!.parent!;
    if (block.type === 'module' || elementsOf(block).some((s) => !plan.statements.has(s.id))) continue;
    // A block must keep one statement: the first removed one becomes `pass`.
    const first = removed.sort((a, b) => a.startIndex - b.startIndex)[0]!;
    const span = wholeLines(source, first.startIndex, first.endIndex, '#');
    const edit = edits.find((e) => e.start === span.start)!;
    edit.text = `${indentAt(source, first.startIndex)}pass\n`;
  }
  return edits;
}

/** The text edits of the plan; collections and chains left empty are removed from where they stand. */
export function finalize(source: string, plan: RemovalPlan): TextEdit[] {
  const edits: TextEdit[] = [];
  const done = new Set<number>();
  // Deepest first: emptying an inner list may remove it from an outer list or a chain.
  for (;;) {
    const next = [...plan.containers.values()].filter((c) => !done.has(c.node.id)).sort((a, b) => depth(b.node) - depth(a.node))[0];
    if (!next) break;
    done.add(next.node.id);
    const remaining = elementsOf(next.node).filter((e) => !next.removed.has(e.id));
    const emptiedValue = remaining.length === 0 && next.node.parent?.type !== 'assignment';
    if (emptiedValue && next.node.type === 'argument_list') plan.removeValue(next.node.parent!);
    else if (emptiedValue) plan.removeValue(next.node);
    else if (remaining.length === 0 && next.node.type === 'set')
      throw new Refusal(`removing it would leave \`{}\` (a dict, not a set) at line ${lineOf(next.node)}; edit it by hand`);
    else edits.push(...containerEdits(source, next, remaining));
  }
  for (const chain of plan.chains.values()) edits.push(...chainEdits(plan, chain));
  edits.push(...statementEdits(source, plan));
  return edits;
}
