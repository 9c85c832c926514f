/**
 * The DAG file's policy model list, read fail-closed: every entry (a string, a task variable, a list
 * it is concatenated from) must resolve to a task id, or the whole list is "unreadable" and names the
 * first entry the bot could not read, so no model is ever taken for non-critical by mistake.
 */
import { firstLine, lineOf, syntaxProblems, withTree, type Node } from './grammars';
import { bindingSite, calleeName, scopeOfUse, stringValue, taskDecorator, taskflowTaskId, taskIdNode } from './dag-reader';
import { analyzeScopes, type ScopeAnalysis } from './python-scopes';

/** Names of the policy list in aurora-jobs' DAG file. */
export const POLICY_LIST_NAMES = ['policy_models', 'POLICY_MODELS'];

export type PolicyRead =
  | { kind: 'absent' }
  | { kind: 'resolved'; models: string[]; line: number }
  /** `entry` is the source text the bot could not resolve; `why` says what it is. */
  | { kind: 'unresolved'; entry: string; line: number; why: string };

class Unresolved extends Error {
  constructor(
    readonly node: Node,
    readonly why: string,
  ) {
    super(why);
  }
}

const MAX_DEPTH = 20;

/** The single module-level `name = ...` value of a variable read by `id`, or why there is none. */
function valueOf(analysis: ScopeAnalysis, id: Node): Node {
  const scope = scopeOfUse(analysis, id);
  if (!scope) throw new Unresolved(id, `\`${id.text}\` is not defined in this file`);
  const bindings = scope.bindings.get(id.text) ?? [];
  if (bindings.length !== 1) throw new Unresolved(id, `\`${id.text}\` is assigned ${bindings.length} times`);
  const site = bindingSite(bindings[0]!);
  if (site.kind === 'import') throw new Unresolved(id, `\`${id.text}\` is imported from another module (line ${lineOf(site.statement)})`);
  if (site.kind !== 'assignment') throw new Unresolved(id, `\`${id.text}\` is not bound by a plain assignment (line ${lineOf(bindings[0]!)})`);
  return site.value;
}

/** The task id of the task an expression evaluates to (a factory or operator call, a TaskFlow call). */
function taskIdOfValue(analysis: ScopeAnalysis, value: Node, entry: Node): string {
  if (value.type !== 'call') throw new Unresolved(entry, `\`${firstLine(entry.text)}\` is bound to \`${firstLine(value.text)}\`, which is not a task`);
  const fn = value.childForFieldName('function');
  // A TaskFlow task: `x = extract()` where `extract` is a `@task` function of this file.
  if (fn?.type === 'identifier') {
    const scope = scopeOfUse(analysis, fn);
    const def = scope?.bindings
      .get(fn.text)
      ?.map(bindingSite)
      .find((s) => s.kind === 'function');
    if (def?.kind === 'function' && taskDecorator(def.definition)) {
      const id = taskflowTaskId(def.definition);
      if (id) return id;
    }
  }
  const idNode = taskIdNode(value);
  const id = stringValue(idNode);
  if (id === undefined)
    throw new Unresolved(
      entry,
      idNode
        ? `the task id of \`${firstLine(entry.text)}\` is \`${firstLine(idNode.text)}\`, not a literal`
        : `\`${calleeName(value) ?? firstLine(value.text)}(...)\` names no task id the bot can read`,
    );
  return id;
}

function entries(analysis: ScopeAnalysis, node: Node, depth: number): string[] {
  if (depth > MAX_DEPTH) throw new Unresolved(node, 'the list refers to itself');
  switch (node.type) {
    case 'list':
    case 'tuple':
    case 'set':
    case 'parenthesized_expression':
      return node.namedChildren.filter((c) => c.type !== 'comment').flatMap((c) => element(analysis, c, depth));
    case 'binary_operator':
      if (node.childForFieldName('operator')?.text !== '+') break;
      return [...entries(analysis, node.childForFieldName('left')!, depth + 1), ...entries(analysis, node.childForFieldName('right')!, depth + 1)];
    case 'identifier':
      return entries(analysis, valueOf(analysis, node), depth + 1);
    default:
  }
  throw new Unresolved(node, describe(node));
}

function element(analysis: ScopeAnalysis, node: Node, depth: number): string[] {
  const literal = stringValue(node);
  if (literal !== undefined) return [literal];
  if (node.type === 'list_splat') return entries(analysis, node.namedChildren[0]!, depth + 1);
  if (node.type === 'identifier') {
    const value = valueOf(analysis, node);
    if (['list', 'tuple', 'set', 'binary_operator'].includes(value.type)) throw new Unresolved(node, `\`${node.text}\` is a list inside the list`);
    if (value.type === 'identifier') return element(analysis, value, depth + 1);
    return [taskIdOfValue(analysis, value, node)];
  }
  throw new Unresolved(node, describe(node));
}

function describe(node: Node): string {
  const what: Record<string, string> = {
    call: 'a function call',
    list_comprehension: 'a comprehension',
    generator_expression: 'a comprehension',
    set_comprehension: 'a comprehension',
    attribute: 'an attribute of another object',
    subscript: 'an item of another collection',
    string: 'a string the bot cannot read literally (an f-string or escape)',
    conditional_expression: 'a conditional expression',
  };
  return `\`${firstLine(node.text)}\` is ${what[node.type] ?? `a \`${node.type}\``}, not a model name or a task`;
}

/** Outside any def or class (a `with DAG(...)` or `if` block still binds module names). */
function atModuleLevel(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
  return true;
}

/** The module-level assignments and changes of the policy list. */
function policyStatements(root: Node): { assignments: Node[]; changes: Node[] } {
  const assignments: Node[] = [];
  const changes: Node[] = [];
  for (const n of root.descendantsOfType(['assignment', 'augmented_assignment', 'call'])) {
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute' && POLICY_LIST_NAMES.includes(fn.childForFieldName('object')?.text ?? '')) changes.push(n);
      continue;
    }
    if (!POLICY_LIST_NAMES.includes(n.childForFieldName('left')?.text ?? '')) continue;
    (n.type === 'assignment' && n.parent?.type === 'expression_statement' && atModuleLevel(n) ? assignments : changes).push(n);
  }
  return { assignments, changes };
}

/**
 * What the model remover must never touch: the policy list's value and the values of the lists it is
 * built from (`policy_models = CORE + [...]` protects CORE's list too).
 */
export function policyValueNodes(root: Node): Node[] {
  const analysis = analyzeScopes(root);
  const found = new Map<number, Node>();
  const pending = policyStatements(root).assignments.flatMap((a) => a.childForFieldName('right') ?? []);
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (found.has(value.id)) continue;
    found.set(value.id, value);
    for (const id of [value, ...value.descendantsOfType('identifier')]) {
      if (id.type !== 'identifier') continue;
      const scope = scopeOfUse(analysis, id);
      for (const binding of scope?.bindings.get(id.text) ?? []) {
        const site = bindingSite(binding);
        if (site.kind === 'assignment' && ['list', 'tuple', 'set', 'binary_operator', 'identifier', 'parenthesized_expression'].includes(site.value.type))
          pending.push(site.value);
      }
    }
  }
  return [...found.values()];
}

/** Reads the policy model list from a parsed DAG file. */
export function readPolicyFromTree(root: Node): PolicyRead {
  const problem = syntaxProblems(root, 1)[0];
  if (problem) return { kind: 'unresolved', entry: '(the whole file)', line: problem.line, why: `the file does not parse (${problem.what})` };
  const analysis = analyzeScopes(root);
  for (const name of POLICY_LIST_NAMES) {
    const imported = (analysis.module.bindings.get(name) ?? []).find((b) => bindingSite(b).kind === 'import');
    if (imported) return { kind: 'unresolved', entry: name, line: lineOf(imported), why: `\`${name}\` is imported from another module` };
  }
  const { assignments, changes } = policyStatements(root);
  if (assignments.length === 0 && changes.length === 0) return { kind: 'absent' };
  if (assignments.length !== 1 || changes.length > 0) {
    const odd = changes[0] ?? assignments[1] ?? assignments[0]!;
    return { kind: 'unresolved', entry: firstLine(odd.text), line: lineOf(odd), why: 'the list is assigned or changed in more than one place' };
  }
  const value = assignments[0]!.childForFieldName('right')!;
  try {
    return { kind: 'resolved', models: [...new Set(entries(analysis, value, 0))], line: lineOf(assignments[0]!) };
  } catch (err) {
    if (!(err instanceof Unresolved)) throw err;
    return { kind: 'unresolved', entry: firstLine(err.node.text), line: lineOf(err.node), why: err.why };
  }
}

/** Reads the policy model list from the DAG file's source. */
export function readPolicyModels(source: string): Promise<PolicyRead> {
  return withTree('python', source, (root) => readPolicyFromTree(root));
}
