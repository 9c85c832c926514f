/**
 * Which name each identifier of a Python file refers to, from the syntax tree: module, function,
 * lambda, class and comprehension scopes; bindings by assignment, import, def, class, for targets,
 * with/except `as`, walrus, parameters, `global`/`nonlocal`. Python resolves a function's names when
 * it runs, so a name bound anywhere in a scope counts for the whole scope (not only after the line).
 */
import type { Node } from './grammars';
import { PYTHON_BUILTINS } from './python-builtins';

export type ScopeKind = 'module' | 'function' | 'class' | 'comprehension';

export interface Scope {
  id: number;
  kind: ScopeKind;
  parent?: Scope;
  /** The node that opens the scope (the module, a def, a lambda, a class, a comprehension). */
  node: Node;
  bindings: Map<string, Node[]>;
  globals: Set<string>;
  nonlocals: Set<string>;
}

export interface NameUse {
  name: string;
  node: Node;
  scope: Scope;
  /** The scope whose binding it reads; `builtin`; or undefined when nothing defines it. */
  resolved: Scope | 'builtin' | undefined;
}

export interface ScopeAnalysis {
  module: Scope;
  scopes: Scope[];
  uses: NameUse[];
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const PARAMETER_NAME: Record<string, string | undefined> = { default_parameter: 'name', typed_default_parameter: 'name' };

class Analyzer {
  readonly scopes: Scope[] = [];
  readonly pending: Omit<NameUse, 'resolved'>[] = [];

  open(kind: ScopeKind, node: Node, parent?: Scope): Scope {
    const scope: Scope = { id: this.scopes.length, kind, parent, node, bindings: new Map(), globals: new Set(), nonlocals: new Set() };
    this.scopes.push(scope);
    return scope;
  }

  bind(name: string, node: Node, scope: Scope): void {
    let target = scope;
    // `global x` in a function makes its assignments bind the module's x.
    if (scope.globals.has(name)) while (target.parent) target = target.parent;
    const list = target.bindings.get(name) ?? [];
    list.push(node);
    target.bindings.set(name, list);
  }

  use(node: Node, scope: Scope): void {
    this.pending.push({ name: node.text, node, scope });
  }

  visitAll(nodes: (Node | null)[], scope: Scope): void {
    for (const n of nodes) if (n) this.visit(n, scope);
  }

  /** Assignment, for and `as` targets: identifiers bind, attributes and subscripts read their object. */
  bindTargets(node: Node, scope: Scope): void {
    switch (node.type) {
      case 'identifier':
        this.bind(node.text, node, scope);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'parenthesized_expression':
      case 'expression_list':
      case 'list_splat_pattern':
      case 'list_splat':
      case 'as_pattern_target':
        for (const child of node.namedChildren) this.bindTargets(child, scope);
        return;
      default:
        this.visit(node, scope);
    }
  }

  parameters(params: Node | null, outer: Scope, inner: Scope): void {
    for (const p of params?.namedChildren ?? []) {
      if (p.type === 'identifier') this.bind(p.text, p, inner);
      else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'tuple_pattern')
        this.bindTargets(p.namedChildren[0] ?? p, inner);
      else if (p.type === 'typed_parameter') {
        const name = p.namedChildren.find((c) => c.type === 'identifier' || c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern');
        if (name) this.bindTargets(name.type === 'identifier' ? name : (name.namedChildren[0] ?? name), inner);
        this.visitAll([p.childForFieldName('type')], outer);
      } else if (PARAMETER_NAME[p.type]) {
        const name = p.childForFieldName('name');
        if (name) this.bind(name.text, name, inner);
        this.visitAll([p.childForFieldName('type'), p.childForFieldName('value')], outer);
      }
    }
  }

  comprehension(node: Node, scope: Scope): void {
    const inner = this.open('comprehension', node, scope);
    const clauses = node.namedChildren.filter((c) => c.type === 'for_in_clause');
    clauses.forEach((clause, i) => {
      // The first iterable is evaluated in the enclosing scope, the rest inside the comprehension.
      this.visitAll([clause.childForFieldName('right')], i === 0 ? scope : inner);
      const left = clause.childForFieldName('left');
      if (left) this.bindTargets(left, inner);
    });
    for (const child of node.namedChildren) if (child.type !== 'for_in_clause') this.visit(child, inner);
  }

  imports(node: Node, scope: Scope): void {
    const from = node.type === 'import_from_statement';
    for (const name of node.childrenForFieldName('name')) {
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias');
        if (alias) this.bind(alias.text, alias, scope);
      } else if (name.type === 'dotted_name') {
        // `import a.b` binds `a`; `from m import b` binds `b`.
        const parts = name.namedChildren;
        const bound = from ? parts[parts.length - 1] : parts[0];
        if (bound) this.bind(bound.text, bound, scope);
      }
    }
  }

  visit(node: Node, scope: Scope): void {
    switch (node.type) {
      case 'identifier':
        this.use(node, scope);
        return;
      case 'comment':
      case 'future_import_statement':
        return;
      case 'attribute':
        this.visitAll([node.childForFieldName('object')], scope);
        return;
      case 'keyword_argument':
        this.visitAll([node.childForFieldName('value')], scope);
        return;
      case 'assignment': {
        this.visitAll([node.childForFieldName('right'), node.childForFieldName('type')], scope);
        const left = node.childForFieldName('left');
        if (left) this.bindTargets(left, scope);
        return;
      }
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        this.visitAll([left, node.childForFieldName('right')], scope);
        if (left?.type === 'identifier') this.bind(left.text, left, scope);
        return;
      }
      case 'for_statement': {
        this.visitAll([node.childForFieldName('right')], scope);
        const left = node.childForFieldName('left');
        if (left) this.bindTargets(left, scope);
        this.visitAll([node.childForFieldName('body'), node.childForFieldName('alternative')], scope);
        return;
      }
      case 'as_pattern': {
        this.visitAll(
          node.namedChildren.filter((c) => c.type !== 'as_pattern_target'),
          scope,
        );
        const alias = node.childForFieldName('alias');
        if (alias) this.bindTargets(alias, scope);
        return;
      }
      case 'named_expression': {
        this.visitAll([node.childForFieldName('value')], scope);
        let target = scope;
        while (target.kind === 'comprehension' && target.parent) target = target.parent;
        const name = node.childForFieldName('name');
        if (name) this.bind(name.text, name, target);
        return;
      }
      case 'function_definition': {
        const name = node.childForFieldName('name');
        if (name) this.bind(name.text, name, scope);
        this.visitAll([node.childForFieldName('return_type')], scope);
        const inner = this.open('function', node, scope);
        this.parameters(node.childForFieldName('parameters'), scope, inner);
        this.visitAll([node.childForFieldName('body')], inner);
        return;
      }
      case 'lambda': {
        const inner = this.open('function', node, scope);
        this.parameters(node.childForFieldName('parameters'), scope, inner);
        this.visitAll([node.childForFieldName('body')], inner);
        return;
      }
      case 'class_definition': {
        const name = node.childForFieldName('name');
        if (name) this.bind(name.text, name, scope);
        this.visitAll([node.childForFieldName('superclasses')], scope);
        this.visitAll([node.childForFieldName('body')], this.open('class', node, scope));
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
        this.imports(node, scope);
        return;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const id of node.namedChildren) if (id.type === 'identifier') (node.type === 'global_statement' ? scope.globals : scope.nonlocals).add(id.text);
        return;
      case 'dotted_name':
        // Outside imports (patterns, decorators): only the first part is a name.
        this.visitAll([node.namedChildren[0] ?? null], scope);
        return;
      default:
        if (COMPREHENSIONS.has(node.type)) this.comprehension(node, scope);
        else this.visitAll(node.namedChildren, scope);
    }
  }
}

/** The scope that defines `name` for code in `scope` (Python's LEGB rule; class bodies are skipped by nested scopes). */
export function resolveName(name: string, scope: Scope): Scope | 'builtin' | undefined {
  let module = scope;
  while (module.parent) module = module.parent;
  if (scope.globals.has(name)) return module.bindings.has(name) ? module : PYTHON_BUILTINS.has(name) ? 'builtin' : undefined;
  if (scope.bindings.has(name) && !scope.nonlocals.has(name)) return scope;
  for (let s = scope.parent; s; s = s.parent) if (s.kind !== 'class' && s.bindings.has(name) && !s.nonlocals.has(name)) return s;
  return PYTHON_BUILTINS.has(name) ? 'builtin' : undefined;
}

/** Every scope and every name read in the file, each resolved to the scope that defines it. */
export function analyzeScopes(root: Node): ScopeAnalysis {
  const analyzer = new Analyzer();
  const module = analyzer.open('module', root);
  analyzer.visitAll(root.namedChildren, module);
  const uses = analyzer.pending.map((u) => ({ ...u, resolved: resolveName(u.name, u.scope) }));
  return { module, scopes: analyzer.scopes, uses };
}

/** Names read but defined nowhere (not even as builtins), with how often and where. */
export function undefinedNames(root: Node): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const u of analyzeScopes(root).uses) {
    if (u.resolved !== undefined) continue;
    const lines = out.get(u.name) ?? [];
    lines.push(u.node.startPosition.row + 1);
    out.set(u.name, lines);
  }
  return out;
}

/** Names that the edited file reads without defining more often than the original did (empty when the edit broke no name). */
export function newlyUndefined(original: Map<string, number[]>, edited: Map<string, number[]>): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  for (const [name, lines] of edited) if (lines.length > (original.get(name)?.length ?? 0)) out.push({ name, line: lines[lines.length - 1]! });
  return out;
}
