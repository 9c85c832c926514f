/**
 * Removing one model from an Airflow DAG file, or refusing with the reason. The model is found by
 * its name on the syntax tree (an operator's `task_id=`, a factory's name argument, a TaskFlow
 * function, an entry of a list or dict of names that a loop builds tasks from); every other
 * mention must disappear with what is removed. The edited file is parsed again: it must have no
 * syntax error and no name that is used but not defined (beyond those the original already had).
 */
import { policyValueNodes } from './dag-policy';
import { bindingSite, stringLiterals, taskflowTaskId, taskIdNode, taskIdOfCall } from './dag-reader';
import { Refusal, RemovalPlan } from './dag-removal';
import { finalize } from './dag-removal-edits';
import { firstLine, lineOf, syntaxProblems, withTree, type Node } from './grammars';
import { analyzeScopes, newlyUndefined, undefinedNames, type ScopeAnalysis } from './python-scopes';
import { applyEdits, firstChangedLine, unifiedDiff } from './text-edits';

export type DagEdit = { ok: true; content: string; diff: string; line: number } | { ok: false; reason: string };

/**
 * Beyond this the diff would not fit the Slack preview whole (a section holds 3000 characters, shared
 * with the step's title and other lines), and a preview must show all of it.
 */
export const MAX_DIFF_CHARS = 1800;
/** Length as Slack shows it: `<`, `>` and `&` are escaped to entities (`>>` chains grow fourfold). */
const shownLength = (text: string): number => text.replace(/[<>&]/g, '&amp;').length;
const COLLECTIONS = new Set(['list', 'tuple', 'set', 'dictionary']);

const at = (node: Node): string => `\`${firstLine(node.text)}\` (line ${lineOf(node)})`;

/** Why `container` is not a list (or dict) of names that loops build tasks from; undefined when it is. */
function notANamesList(analysis: ScopeAnalysis, container: Node): string | undefined {
  let node = container;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  const loops: Node[] = [];
  const isLoop = (n: Node | null, value: Node): boolean =>
    (n?.type === 'for_statement' || n?.type === 'for_in_clause') && n.childForFieldName('right')?.id === value.id;
  if (parent && isLoop(parent, node)) loops.push(parent);
  else if (parent?.type === 'assignment' && parent.childForFieldName('left')?.type === 'identifier') {
    const left = parent.childForFieldName('left')!;
    if (bindingSite(left).kind !== 'assignment') return `${at(parent)} is not a plain assignment`;
    const scope = analysis.scopes.find((s) => s.bindings.get(left.text)?.some((b) => b.id === left.id));
    if (!scope || scope.bindings.get(left.text)!.length !== 1) return `\`${left.text}\` is assigned more than once`;
    for (const use of analysis.uses.filter((u) => u.name === left.text && u.resolved === scope)) {
      const up = use.node.parent;
      const method = up?.type === 'attribute' && ['items', 'keys'].includes(up.childForFieldName('attribute')?.text ?? '') ? up.parent : undefined;
      if (up && isLoop(up, use.node)) loops.push(up);
      else if (method?.type === 'call' && isLoop(method.parent, method)) loops.push(method.parent!);
      else return `\`${left.text}\` is also used at line ${lineOf(use.node)} (\`${firstLine(use.node.parent?.text ?? left.text)}\`)`;
    }
  } else return `${at(container)} is not a list of model names that a loop builds tasks from`;
  if (loops.length === 0) return `${at(container)} is never looped over`;
  for (const loop of loops) {
    const target = loop.childForFieldName('left');
    const v = target?.type === 'identifier' ? target : target?.namedChildren[0];
    const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop.parent;
    const builds =
      v?.type === 'identifier' && body?.descendantsOfType('call').some((c) => taskIdNode(c)?.type === 'identifier' && taskIdNode(c)!.text === v.text);
    if (!builds) return `the loop at line ${lineOf(loop)} does not build a task from its names (\`${firstLine(loop.text)}\`)`;
  }
  return undefined;
}

/** Why `tasks` in `tasks['x']` is not a dict literal or comprehension of this file (whose entry for the model is removed with it). */
function notADictOfTasks(analysis: ScopeAnalysis, object: Node | null): string | undefined {
  if (object?.type !== 'identifier') return `\`${firstLine(object?.text ?? '?')}\` is not a dict of tasks the bot can read`;
  const use = analysis.uses.find((u) => u.node.id === object.id);
  const bindings = use?.resolved && use.resolved !== 'builtin' ? (use.resolved.bindings.get(object.text) ?? []) : [];
  const site = bindings.length === 1 ? bindingSite(bindings[0]!) : undefined;
  if (site?.kind !== 'assignment' || !['dictionary', 'dictionary_comprehension'].includes(site.value.type))
    return `\`${object.text}\` is not a dict of tasks built in this file`;
  return undefined;
}

/** A declaration of the task, a reference to it, or neither (with the reason when there is one). */
type Mention = { kind: 'declaration' } | { kind: 'reference' } | { kind: 'other'; why?: string };

/** Registers the removal for one mention of the model's name; false or a reason when it is neither a declaration nor a reference (it must then go with something else). */
function declare(plan: RemovalPlan, analysis: ScopeAnalysis, s: Node, model: string): Mention {
  const p = s.parent!;
  const owner = p.type === 'keyword_argument' ? p.parent?.parent : p.type === 'argument_list' ? p.parent : undefined;
  if (owner?.type === 'call' && taskIdNode(owner)?.id === s.id) {
    // `@task(task_id='x')`: the decorated function is removed by removeTaskflow.
    if (owner.parent?.type !== 'decorator') plan.removeValue(owner);
    return { kind: 'declaration' };
  }
  if (p.type === 'pair' && p.childForFieldName('key')?.id === s.id && p.parent?.type === 'dictionary') {
    const value = p.childForFieldName('value');
    if (value?.type === 'call' && taskIdOfCall(value) === model) return { kind: 'other' };
    const why = notANamesList(analysis, p.parent);
    if (why) return { kind: 'other', why };
    plan.removeElement(p.parent, p);
    return { kind: 'declaration' };
  }
  if (COLLECTIONS.has(p.type) && p.type !== 'dictionary') {
    const why = notANamesList(analysis, p);
    if (why) return { kind: 'other', why };
    plan.removeElement(p, s);
    return { kind: 'declaration' };
  }
  if (p.type === 'subscript' && p.childForFieldName('subscript')?.id === s.id) {
    const assigned = p.parent?.type === 'assignment' && p.parent.childForFieldName('left')?.id === p.id;
    if (!assigned) {
      const why = notADictOfTasks(analysis, p.childForFieldName('value'));
      if (why) return { kind: 'other', why };
      plan.removeValue(p);
      return { kind: 'reference' };
    }
  }
  return { kind: 'other' };
}

interface Planned {
  content: string;
  undefinedBefore: Map<string, number[]>;
}

function plan(root: Node, source: string, model: string, file: string): Planned {
  const problem = syntaxProblems(root, 1)[0];
  if (problem) throw new Refusal(`${file} does not parse (line ${problem.line}: ${problem.what}); the bot only edits files it can read`);
  const analysis = analyzeScopes(root);
  const policy = policyValueNodes(root);
  const removal = new RemovalPlan(analysis, policy);
  const mentions = stringLiterals(root, model);
  const inPolicy = mentions.find((s) => policy.some((p) => s.startIndex >= p.startIndex && s.endIndex <= p.endIndex));
  if (inPolicy) throw new Refusal(`\`${model}\` is in the policy model list of ${file} (line ${lineOf(inPolicy)}); the bot does not disable a policy model`);
  const declarations: Node[] = [];
  for (const definition of root.descendantsOfType('decorated_definition')) {
    if (taskflowTaskId(definition) !== model) continue;
    removal.removeTaskflow(definition);
    declarations.push(definition);
  }
  const unexplained: { node: Node; why?: string }[] = [];
  for (const s of mentions) {
    const result = declare(removal, analysis, s, model);
    if (result.kind === 'reference') continue;
    if (result.kind === 'declaration') {
      if (!declarations.some((d) => s.startIndex >= d.startIndex && s.endIndex <= d.endIndex)) declarations.push(s);
    } else unexplained.push({ node: s, why: result.why });
  }
  // Two tasks of one name are two DAGs in one file, or a mistake: either way not the bot's call.
  if (declarations.length > 1)
    throw new Refusal(`\`${model}\` is declared ${declarations.length} times in ${file} (lines ${declarations.map(lineOf).join(', ')}); edit it by hand`);
  if (declarations.length === 0) {
    const first = unexplained[0];
    if (!first) throw new Refusal(`The model \`${model}\` is not in ${file} (already removed, or declared in a way the bot does not recognise).`);
    throw new Refusal(
      `\`'${model}'\` appears in ${file} at line ${lineOf(first.node)}, but not as a task the bot recognises${first.why ? ` (${first.why})` : ''}; edit it by hand`,
    );
  }
  const edits = finalize(source, removal);
  for (const { node, why } of unexplained) {
    if (edits.some((e) => node.startIndex >= e.start && node.endIndex <= e.end)) continue;
    throw new Refusal(
      `\`'${model}'\` also appears at line ${lineOf(node)}, in ${at(node.parent ?? node)}, which the bot does not know how to change${why ? ` (${why})` : ''}; edit it by hand`,
    );
  }
  return { content: applyEdits(source, edits), undefinedBefore: undefinedNames(root) };
}

function verify(root: Node, model: string, undefinedBefore: Map<string, number[]>): void {
  const problem = syntaxProblems(root, 1)[0];
  if (problem) throw new Refusal(`the edited file would not parse (line ${problem.line}: ${problem.what}); the bot proposes no edit`);
  const broken = newlyUndefined(undefinedBefore, undefinedNames(root));
  if (broken.length > 0)
    throw new Refusal(
      `the edited file would use ${broken.map((b) => `\`${b.name}\` (line ${b.line})`).join(', ')} without defining it; the bot proposes no edit`,
    );
  const left = stringLiterals(root, model)[0];
  if (left) throw new Refusal(`the edited file would still mention \`'${model}'\` at line ${lineOf(left)}; the bot proposes no edit`);
}

/** Removes model `model` from the DAG file `source`, or says why it will not. */
export async function removeModelFromDag(source: string, model: string, file: string): Promise<DagEdit> {
  try {
    const planned = await withTree('python', source, (root) => plan(root, source, model, file));
    await withTree('python', planned.content, (root) => verify(root, model, planned.undefinedBefore));
    const diff = unifiedDiff(source, planned.content, file);
    if (shownLength(diff) > MAX_DIFF_CHARS)
      return {
        ok: false,
        reason: `the change to ${file} touches too many lines to show whole in the preview (${diff.length} characters of diff); edit it by hand`,
      };
    return { ok: true, content: planned.content, diff, line: firstChangedLine(source, planned.content) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.message };
    throw err;
  }
}
