/**
 * The tasks a DAG file declares, as the syntax tree shows them: each task id (an operator's
 * `task_id=`, a factory's model name, a TaskFlow function, or an entry of a list or dict of names a
 * loop builds tasks from), the variable it is bound to and the lines that read that variable.
 */
import { bindingSite, stringValue, taskflowTaskId, taskIdNode, keywordArg } from './dag-reader';
import { lineOf, withTree, type Node } from './grammars';
import { analyzeScopes, type ScopeAnalysis } from './python-scopes';

export interface DagTask {
  taskId: string;
  /** 1-based line of the task id (or of the TaskFlow function). */
  line: number;
  how: 'operator' | 'factory' | 'taskflow' | 'loop';
  variable?: string;
  /** Lines that read the variable (lists, chains, calls...). */
  references: number[];
}

function readsOf(analysis: ScopeAnalysis, binding: Node): number[] {
  const scope = analysis.scopes.find((s) => s.bindings.get(binding.text)?.some((b) => b.id === binding.id));
  return analysis.uses.filter((u) => u.name === binding.text && u.resolved === scope).map((u) => lineOf(u.node));
}

/** The literal names a loop variable takes: the loop's list (or dict keys), written in place or bound once. */
function loopNames(analysis: ScopeAnalysis, variable: Node): Node[] {
  const scope = analysis.uses.find((u) => u.node.id === variable.id)?.resolved;
  if (!scope || scope === 'builtin') return [];
  const bindings = scope.bindings.get(variable.text) ?? [];
  if (bindings.length !== 1) return [];
  const loop = bindings[0]!.parent?.type === 'pattern_list' ? bindings[0]!.parent.parent : bindings[0]!.parent;
  if (loop?.type !== 'for_statement' && loop?.type !== 'for_in_clause') return [];
  let iterable = loop.childForFieldName('right');
  if (iterable?.type === 'call') iterable = iterable.childForFieldName('function')?.childForFieldName('object') ?? null;
  if (iterable?.type === 'identifier') {
    const s = analysis.uses.find((u) => u.node.id === iterable!.id)?.resolved;
    const b = s && s !== 'builtin' ? (s.bindings.get(iterable.text) ?? []) : [];
    const site = b.length === 1 ? bindingSite(b[0]!) : undefined;
    iterable = site?.kind === 'assignment' ? site.value : null;
  }
  if (iterable?.type === 'dictionary') return iterable.namedChildren.flatMap((p) => (p.type === 'pair' ? (p.childForFieldName('key') ?? []) : []));
  if (iterable?.type === 'list' || iterable?.type === 'tuple') return iterable.namedChildren;
  return [];
}

/** Every task the parsed DAG file declares, in file order. */
export function listTasksFromTree(root: Node): DagTask[] {
  const analysis = analyzeScopes(root);
  const tasks: DagTask[] = [];
  for (const call of root.descendantsOfType('call')) {
    if (call.parent?.type === 'decorator') continue;
    const idNode = taskIdNode(call);
    if (!idNode) continue;
    const taskId = stringValue(idNode);
    if (taskId !== undefined) {
      const assigned =
        call.parent?.type === 'assignment' && call.parent.childForFieldName('right')?.id === call.id ? call.parent.childForFieldName('left') : null;
      const variable = assigned?.type === 'identifier' ? assigned : undefined;
      tasks.push({
        taskId,
        line: lineOf(idNode),
        how: keywordArg(call, 'task_id') ? 'operator' : 'factory',
        variable: variable?.text,
        references: variable ? readsOf(analysis, variable) : [],
      });
    } else if (idNode.type === 'identifier') {
      for (const name of loopNames(analysis, idNode)) {
        const value = stringValue(name);
        if (value !== undefined) tasks.push({ taskId: value, line: lineOf(name), how: 'loop', references: [] });
      }
    }
  }
  for (const definition of root.descendantsOfType('decorated_definition')) {
    const taskId = taskflowTaskId(definition);
    const name = definition.childForFieldName('definition')?.childForFieldName('name');
    if (taskId !== undefined && name)
      tasks.push({ taskId, line: lineOf(definition), how: 'taskflow', variable: name.text, references: readsOf(analysis, name) });
  }
  return tasks.sort((a, b) => a.line - b.line);
}

/** Every task the DAG file declares. */
export function readDagTasks(source: string): Promise<DagTask[]> {
  return withTree('python', source, (root) => listTasksFromTree(root));
}
