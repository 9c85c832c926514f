/**
 * What an Airflow DAG file declares, read from its Python syntax tree: string literals, task ids of
 * operator and factory calls (`task_id='x'`, `model_task('x', ...)`), TaskFlow `@task` functions,
 * and what a variable is bound to. Shared by the policy-list reader and the model remover.
 */
import type { Node } from './grammars';
import type { ScopeAnalysis, Scope } from './python-scopes';

/** The value of a plain string literal (no f-string, bytes, escapes or interpolation); undefined otherwise. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map(stringValue);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  const start = node.namedChildren[0];
  if (!start || start.type !== 'string_start' || /[fb]/i.test(start.text)) return undefined;
  let value = '';
  for (const child of node.namedChildren.slice(1)) {
    if (child.type === 'string_content') value += child.text;
    else if (child.type !== 'string_end') return undefined;
  }
  return value;
}

/** A string that is a whole statement: a docstring or a block comment written as a string. */
export function isDocstring(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'expression_statement' && parent.namedChildren.length === 1;
}

/** Every plain string literal equal to `value`, docstrings excepted. */
export function stringLiterals(root: Node, value: string): Node[] {
  return root
    .descendantsOfType(['string', 'concatenated_string'])
    .filter((n) => n.parent?.type !== 'concatenated_string' && stringValue(n) === value && !isDocstring(n));
}

/** `model_task` for `model_task(...)`, `PythonOperator` for `operators.PythonOperator(...)`. */
export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** Calls whose name says they build a task; only they may take the model name as first argument. */
export const isFactoryName = (name: string | undefined): boolean => name !== undefined && /task|model|operator|sensor/i.test(name);
const FACTORY_KEYWORDS = ['model', 'model_name', 'model_id', 'name'];

/** The value of keyword argument `name` of a call. */
export function keywordArg(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  const kw = args?.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
  return kw?.childForFieldName('value') ?? undefined;
}

/** Positional arguments of a call, in order. */
export function positionalArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return [];
  return args.namedChildren.filter((a) => !['keyword_argument', 'comment', 'list_splat', 'dictionary_splat'].includes(a.type));
}

/** The node that names the task a call builds: its `task_id=` value, else a factory's first or name argument. */
export function taskIdNode(call: Node): Node | undefined {
  const byKeyword = keywordArg(call, 'task_id');
  if (byKeyword) return byKeyword;
  if (!isFactoryName(calleeName(call))) return undefined;
  const first = positionalArgs(call)[0];
  if (first) return first;
  for (const k of FACTORY_KEYWORDS) {
    const v = keywordArg(call, k);
    if (v) return v;
  }
  return undefined;
}

/** The task id a call builds, when it is a literal. */
export const taskIdOfCall = (call: Node): string | undefined => stringValue(taskIdNode(call));

function isTaskDecoratorExpression(expr: Node | null): boolean {
  if (!expr) return false;
  if (expr.type === 'call') return isTaskDecoratorExpression(expr.childForFieldName('function'));
  if (expr.type === 'identifier') return expr.text === 'task';
  // `@task.python`, `@task.virtualenv(...)`, `@dag.task`.
  if (expr.type === 'attribute') return expr.childForFieldName('object')?.text === 'task' || expr.childForFieldName('attribute')?.text === 'task';
  return false;
}

/** The TaskFlow decorator call of a `decorated_definition` (`@task`, `@task(...)`, `@task.python(...)`), or undefined. */
export function taskDecorator(definition: Node): { call?: Node } | undefined {
  if (definition.type !== 'decorated_definition') return undefined;
  for (const d of definition.namedChildren.filter((c) => c.type === 'decorator')) {
    const expr = d.namedChildren[0] ?? null;
    if (isTaskDecoratorExpression(expr)) return { call: expr?.type === 'call' ? expr : undefined };
  }
  return undefined;
}

/** A TaskFlow function's task id: the decorator's `task_id=`, else the function's name. */
export function taskflowTaskId(definition: Node): string | undefined {
  const decorator = taskDecorator(definition);
  if (!decorator) return undefined;
  const explicit = decorator.call ? keywordArg(decorator.call, 'task_id') : undefined;
  if (explicit) return stringValue(explicit);
  return definition.childForFieldName('definition')?.childForFieldName('name')?.text;
}

export type BindingSite =
  | { kind: 'assignment'; value: Node; statement: Node }
  | { kind: 'import'; statement: Node }
  | { kind: 'function'; definition: Node }
  | { kind: 'other'; node: Node };

/** What binds identifier `id` (an assignment target, an import, a def...). */
export function bindingSite(id: Node): BindingSite {
  const parent = id.parent;
  if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === id.id && parent.parent?.type === 'expression_statement') {
    const value = parent.childForFieldName('right');
    if (value) return { kind: 'assignment', value, statement: parent.parent };
  }
  for (let n: Node | null = parent; n; n = n.parent) {
    if (n.type === 'import_statement' || n.type === 'import_from_statement') return { kind: 'import', statement: n };
    if (n.type === 'function_definition' && n.childForFieldName('name')?.id === id.id)
      return { kind: 'function', definition: n.parent?.type === 'decorated_definition' ? n.parent : n };
    if (n.type.endsWith('statement') || n.type === 'block') break;
  }
  return { kind: 'other', node: parent ?? id };
}

/** The scope an identifier node reads its name from (see python-scopes), or undefined for builtins and undefined names. */
export function scopeOfUse(analysis: ScopeAnalysis, id: Node): Scope | undefined {
  const use = analysis.uses.find((u) => u.node.id === id.id);
  return use && use.resolved !== 'builtin' ? use.resolved : undefined;
}

/** The statement (a child of a block or of the module) that holds `node`. */
export function statementOf(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}
