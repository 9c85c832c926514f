/**
 * Python and Scala syntax trees for the files the build-failure runbook edits (tree-sitter grammars
 * compiled to WebAssembly, run by web-tree-sitter: no native build, one engine for both languages).
 * Free of Slack and AWS imports: callers get plain data, never a tree that outlives the parse.
 */
import { readFile } from 'node:fs/promises';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node } from 'web-tree-sitter';
export type GrammarName = 'python' | 'scala';

const WASM: Record<GrammarName, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  scala: 'tree-sitter-scala/tree-sitter-scala.wasm',
};

let runtime: Promise<void> | undefined;
const languages = new Map<GrammarName, Promise<Language>>();

/** The grammar, loaded once per process (the runtime and each grammar are initialised asynchronously, then cached). */
export function loadGrammar(name: GrammarName): Promise<Language> {
  let language = languages.get(name);
  if (!language) {
    runtime ??= Parser.init();
    // Bytes, not a path: given a path, web-tree-sitter reads it through a dynamic import that jest's VM refuses.
    language = runtime.then(async () => Language.load(new Uint8Array(await readFile(require.resolve(WASM[name])))));
    // A failed load is not cached: the next request tries again instead of failing forever.
    language.catch(() => languages.delete(name));
    languages.set(name, language);
  }
  return language;
}

/** Parses `source`, runs `use` on the tree and frees the tree (wasm memory) whatever happens. */
export async function withTree<T>(name: GrammarName, source: string, use: (root: Node, tree: Tree) => T): Promise<T> {
  // The grammar's load also initialises the runtime, which must happen before any Parser exists.
  const language = await loadGrammar(name);
  const parser = new Parser();
  try {
    parser.setLanguage(language);
    const tree = parser.parse(source);
    if (!tree) throw new Error(`the ${name} parser returned no tree`);
    try {
      return use(tree.rootNode, tree);
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

export interface SyntaxProblem {
  line: number;
  what: string;
}

/** ERROR and MISSING nodes of the tree, first ones first (empty when the file parses cleanly). */
export function syntaxProblems(root: Node, limit = 3): SyntaxProblem[] {
  const found: SyntaxProblem[] = [];
  const visit = (node: Node): void => {
    if (found.length >= limit) return;
    if (node.isMissing) found.push({ line: node.startPosition.row + 1, what: `missing \`${node.type}\`` });
    else if (node.isError) found.push({ line: node.startPosition.row + 1, what: `cannot parse \`${firstLine(node.text)}\`` });
    else if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(root);
  if (found.length === 0 && root.hasError) found.push({ line: 1, what: 'syntax error' });
  return found;
}

/** 1-based line of a node, for messages. */
export const lineOf = (node: Node): number => node.startPosition.row + 1;

/** The first line of a snippet, shortened, for messages. */
export function firstLine(text: string, max = 60): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
