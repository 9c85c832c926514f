/**
 * What must go when a task is removed from a DAG file: its declaration, the variable it is bound to
 * and every place that variable is read (lists, tuples, dicts, `>>`/`<<` chains, `chain(...)`,
 * `set_upstream`/`set_downstream`), decided on the syntax tree. Anything else that reads the task
 * (another task's argument, an attribute, a return value) refuses: the bot cannot tell what the DAG
 * means without it. The text edits themselves are computed in dag-removal-edits.ts.
 */
import { firstLine, lineOf, type Node } from './grammars';
import { bindingSite, calleeName, statementOf } from './dag-reader';
import type { ScopeAnalysis } from './python-scopes';

/** Why the bot will not edit the file; shown to the user as is. */
export class Refusal extends Error {}

const CHAIN_OPERATORS = new Set(['>>', '<<']);
const LINK_METHODS = new Set(['set_upstream', 'set_downstream']);
/** Airflow helpers whose arguments are only dependency links (removing one keeps the others' order). */
const LINK_FUNCTIONS = new Set(['chain', 'chain_linear']);
const COLLECTIONS = new Set(['list', 'tuple', 'set', 'expression_list']);

export interface ChainRemoval {
  statement: Node;
  operands: Node[];
  removed: Set<number>;
}

export interface ContainerRemoval {
  node: Node;
  removed: Map<number, Node>;
}

const at = (node: Node): string => `\`${firstLine(node.text)}\` (line ${lineOf(node)})`;

/** Collects what to remove; `finalize` in dag-removal-edits.ts turns it into text edits. */
export class RemovalPlan {
  readonly statements = new Map<number, Node>();
  readonly containers = new Map<number, ContainerRemoval>();
  readonly chains = new Map<number, ChainRemoval>();
  private readonly variables = new Set<string>();

  constructor(
    readonly analysis: ScopeAnalysis,
    /** Nodes nothing may touch (the policy model list). */
    private readonly protectedNodes: Node[],
  ) {}

  private guard(node: Node): void {
    const hit = this.protectedNodes.find((p) => node.startIndex < p.endIndex && p.startIndex < node.endIndex);
    if (hit) throw new Refusal(`removing it would change the policy model list at line ${lineOf(hit)}`);
  }

  removeStatement(statement: Node): void {
    if (statementOf(statement).id !== statement.id) throw new Refusal(`${at(statement)} is not a whole statement`);
    this.guard(statement);
    this.statements.set(statement.id, statement);
  }

  removeElement(container: Node, element: Node): void {
    this.guard(element);
    const entry = this.containers.get(container.id) ?? { node: container, removed: new Map<number, Node>() };
    entry.removed.set(element.id, element);
    this.containers.set(container.id, entry);
  }

  /** Removes an expression that evaluates to the task (its declaration or a reference to it) from where it stands. */
  removeValue(expr: Node): void {
    let node = expr;
    while (node.parent?.type === 'parenthesized_expression') node = node.parent;
    const parent = node.parent;
    if (!parent) throw new Refusal(`${at(node)} cannot be removed`);
    this.guard(node);
    if (parent.type === 'expression_statement') return this.removeStatement(parent);
    if (parent.type === 'assignment' && parent.parent?.type === 'expression_statement') return this.removeAssignment(parent, node);
    if (COLLECTIONS.has(parent.type)) return this.removeElement(parent, node);
    if (parent.type === 'pair' && parent.parent?.type === 'dictionary') return this.removeElement(parent.parent, parent);
    if (parent.type === 'binary_operator' && CHAIN_OPERATORS.has(parent.childForFieldName('operator')?.text ?? '')) return this.removeChainOperand(node);
    if (parent.type === 'argument_list') return this.removeArgument(parent, node);
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === node.id) return this.removeAttributeUse(parent);
    if (parent.type === 'keyword_argument')
      throw new Refusal(
        `${at(node)} is passed as \`${parent.childForFieldName('name')?.text}=\` in ${at(statementOf(parent))}; the bot cannot tell what that call does without it`,
      );
    throw new Refusal(`${at(node)} is used inside ${at(statementOf(parent))} in a way the bot cannot remove safely`);
  }

  private removeAssignment(assignment: Node, value: Node): void {
    const left = assignment.childForFieldName('left');
    if (assignment.childForFieldName('right')?.id !== value.id || !left) throw new Refusal(`${at(assignment)} cannot be removed safely`);
    if (left.type === 'identifier') {
      this.removeStatement(assignment.parent!);
      this.removeVariable(left);
      return;
    }
    // `tasks['fx-model'] = model_task(...)`: the entry is never set; reads of it are found as references.
    if (left.type === 'subscript' || left.type === 'attribute') return this.removeStatement(assignment.parent!);
    throw new Refusal(`${at(assignment)} binds several names at once; edit it by hand`);
  }

  private removeArgument(args: Node, node: Node): void {
    const call = args.parent!;
    const fn = call.childForFieldName('function');
    const name = calleeName(call) ?? '';
    const linking = (fn?.type === 'attribute' && LINK_METHODS.has(name)) || (fn?.type === 'identifier' && LINK_FUNCTIONS.has(name));
    if (!linking)
      throw new Refusal(
        `${at(node)} is passed to \`${name || firstLine(fn?.text ?? '?')}(...)\` in ${at(statementOf(call))}; the bot cannot tell what that call does without it`,
      );
    this.removeElement(args, node);
  }

  /** `task.set_downstream(...)` goes with the task; `task.doc_md = ...` too; any other attribute refuses. */
  private removeAttributeUse(attribute: Node): void {
    const name = attribute.childForFieldName('attribute')?.text ?? '';
    const up = attribute.parent;
    if (LINK_METHODS.has(name) && up?.type === 'call' && up.parent?.type === 'expression_statement') return this.removeStatement(up.parent);
    if (up?.type === 'assignment' && up.childForFieldName('left')?.id === attribute.id && up.parent?.type === 'expression_statement')
      return this.removeStatement(up.parent);
    throw new Refusal(`${at(attribute)} reads the task in ${at(statementOf(attribute))}; the bot cannot remove that safely`);
  }

  private removeChainOperand(node: Node): void {
    let root = node.parent!;
    const operator = root.childForFieldName('operator')!.text;
    while (root.parent?.type === 'binary_operator' && root.parent.childForFieldName('left')?.id === root.id) {
      if (root.parent.childForFieldName('operator')?.text !== operator) throw new Refusal(`${at(root.parent)} mixes \`>>\` and \`<<\`; edit it by hand`);
      root = root.parent;
    }
    // A chain wrapped in parentheses to span lines is still a statement of its own.
    let holder = root;
    while (holder.parent?.type === 'parenthesized_expression') holder = holder.parent;
    if (holder.parent?.type !== 'expression_statement') throw new Refusal(`the dependency chain ${at(root)} is used as a value; edit it by hand`);
    const operands: Node[] = [];
    let n: Node = root;
    while (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === operator) {
      operands.unshift(n.childForFieldName('right')!);
      n = n.childForFieldName('left')!;
    }
    operands.unshift(n);
    const index = operands.findIndex((o) => o.id === node.id);
    if (index < 0) throw new Refusal(`${at(node)} is nested inside the chain ${at(root)}; edit it by hand`);
    const chain = this.chains.get(root.id) ?? { statement: holder.parent, operands, removed: new Set<number>() };
    chain.removed.add(index);
    this.chains.set(root.id, chain);
  }

  /** Removes every read of the variable bound at identifier `binding` (which must be its only binding). */
  removeVariable(binding: Node): void {
    const scope = this.analysis.scopes.find((s) => s.bindings.get(binding.text)?.some((b) => b.id === binding.id));
    if (!scope) throw new Refusal(`the bot cannot tell where \`${binding.text}\` is defined`);
    const key = `${scope.id}:${binding.text}`;
    if (this.variables.has(key)) return;
    this.variables.add(key);
    const bindings = scope.bindings.get(binding.text)!;
    if (bindings.length !== 1)
      throw new Refusal(`\`${binding.text}\` is assigned ${bindings.length} times (lines ${bindings.map(lineOf).join(', ')}); edit it by hand`);
    if (scope.globals.has(binding.text) || this.analysis.scopes.some((s) => s.nonlocals.has(binding.text) || (s.globals.has(binding.text) && s !== scope))) {
      throw new Refusal(`\`${binding.text}\` is declared global or nonlocal; edit it by hand`);
    }
    for (const use of this.analysis.uses) if (use.name === binding.text && use.resolved === scope) this.removeValue(use.node);
  }

  /** A TaskFlow task: its decorated function and every call of it (`f()`, `f.override(...)()`, `x = f()` and x's reads). */
  removeTaskflow(definition: Node): void {
    this.removeStatement(definition);
    const name = definition.childForFieldName('definition')?.childForFieldName('name');
    if (!name) throw new Refusal(`${at(definition)} has no name`);
    const scope = this.analysis.scopes.find((s) => s.bindings.get(name.text)?.some((b) => b.id === name.id));
    const bindings = scope?.bindings.get(name.text) ?? [];
    if (!scope || bindings.length !== 1 || bindingSite(bindings[0]!).kind !== 'function')
      throw new Refusal(`\`${name.text}\` is defined more than once; edit it by hand`);
    for (const use of this.analysis.uses) {
      if (use.name !== name.text || use.resolved !== scope) continue;
      let node = use.node;
      for (;;) {
        const up = node.parent;
        if (up?.type === 'call' && up.childForFieldName('function')?.id === node.id) node = up;
        else if (
          up?.type === 'attribute' &&
          up.childForFieldName('object')?.id === node.id &&
          up.parent?.type === 'call' &&
          up.parent.childForFieldName('function')?.id === up.id
        )
          node = up.parent;
        else break;
      }
      if (node.id === use.node.id) throw new Refusal(`\`${name.text}\` is used without being called at line ${lineOf(node)}; edit it by hand`);
      this.removeValue(node);
    }
  }
}
