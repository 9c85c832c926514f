// `tsx scripts/heap-diff.ts before.heapsnapshot after.heapsnapshot`: what grew between two V8 heap snapshots
// of one process (bench/gc-on-signal.ts writes them during the memory bench). Prints object counts and
// sizes by constructor, largest growth first, and the Maps, Sets and arrays that grew most (matched by the
// snapshot's stable object ids) with the path that retains each, e.g. `SlackLimiters.limiters`.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Heap {
  count: number;
  type(i: number): string;
  name(i: number): string;
  id(i: number): number;
  size(i: number): number;
  /** Outgoing edges of node i: [edge type, edge name, target node]. */
  edges(i: number): [string, string, number][];
}

function load(file: string): Heap {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const meta = s.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const node = (f: string): number => meta.node_fields.indexOf(f);
  const edge = (f: string): number => meta.edge_fields.indexOf(f);
  const [nType, nName, nId, nSize, nEdges] = [node('type'), node('name'), node('id'), node('self_size'), node('edge_count')];
  const [eType, eName, eTo] = [edge('type'), edge('name_or_index'), edge('to_node')];
  const count = s.nodes.length / nf;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0; i < count; i += 1) firstEdge[i + 1] = firstEdge[i]! + s.nodes[i * nf + nEdges]!;
  const edgeType = (e: number) => meta.edge_types[0][s.edges[e * ef + eType]!]!;
  return {
    count,
    type: (i) => meta.node_types[0][s.nodes[i * nf + nType]!]!,
    name: (i) => s.strings[s.nodes[i * nf + nName]!]!,
    id: (i) => s.nodes[i * nf + nId]!,
    size: (i) => s.nodes[i * nf + nSize]!,
    edges: (i) => {
      const out: [string, string, number][] = [];
      for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += 1) {
        const t = edgeType(e);
        const raw = s.edges[e * ef + eName]!;
        const name = t === 'element' || t === 'hidden' ? String(raw) : s.strings[raw]!;
        out.push([t, name, s.edges[e * ef + eTo]! / nf]);
      }
      return out;
    },
  };
}

/** Count and self size by "type name" (every string counts as one kind). */
function byConstructor(h: Heap): Map<string, { n: number; size: number }> {
  const out = new Map<string, { n: number; size: number }>();
  for (let i = 0; i < h.count; i += 1) {
    const t = h.type(i);
    const key = t === 'string' || t === 'concatenated string' || t === 'sliced string' ? '(strings)' : `${t} ${h.name(i).slice(0, 60)}`;
    const e = out.get(key) ?? { n: 0, size: 0 };
    e.n += 1;
    e.size += h.size(i);
    out.set(key, e);
  }
  return out;
}

/** Size of each collection's backing store (Map/Set table, array elements), by object id. */
function collections(h: Heap): Map<number, { node: number; size: number }> {
  const out = new Map<number, { node: number; size: number }>();
  for (let i = 0; i < h.count; i += 1) {
    if (h.type(i) !== 'object' || !['Map', 'Set', 'Array', 'WeakMap'].includes(h.name(i))) continue;
    const store = h.edges(i).find(([t, n]) => t === 'internal' && (n === 'table' || n === 'elements'));
    out.set(h.id(i), { node: i, size: store ? h.size(store[2]) : 0 });
  }
  return out;
}

/** The first non-weak retainer (node, edge name) of each of `targets`, found in one pass over the edges. */
function retainerOf(h: Heap, targets: Set<number>): Map<number, [number, string]> {
  const out = new Map<number, [number, string]>();
  for (let i = 0; i < h.count && out.size < targets.size; i += 1)
    for (const [t, n, to] of h.edges(i)) if (targets.has(to) && !out.has(to) && to !== i && t !== 'weak' && t !== 'shortcut') out.set(to, [i, n]);
  return out;
}

/** The retaining path of each target (property names), nearest first, `depth` levels up. */
function retainers(h: Heap, targets: number[], depth = 4): Map<number, string> {
  const paths = new Map<number, string[]>(targets.map((t) => [t, []]));
  let frontier = new Map<number, number>(targets.map((t) => [t, t])); // current node -> target
  for (let d = 0; d < depth && frontier.size > 0; d += 1) {
    const found = retainerOf(h, new Set(frontier.keys()));
    const next = new Map<number, number>();
    for (const [node, target] of frontier) {
      const r = found.get(node);
      if (!r) continue;
      paths.get(target)!.push(`${h.name(r[0]).slice(0, 40)}.${r[1]}`);
      next.set(r[0], target);
    }
    frontier = next;
  }
  return new Map([...paths].map(([t, p]) => [t, p.join(' <- ')]));
}

const print = (line: string): void => void process.stdout.write(`${line}\n`);

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: tsx scripts/heap-diff.ts before.heapsnapshot after.heapsnapshot');
const before = load(beforeFile);
const after = load(afterFile);
const a = byConstructor(before);
const b = byConstructor(after);
const rows = [...b.entries()].map(([k, v]) => ({ k, dn: v.n - (a.get(k)?.n ?? 0), ds: v.size - (a.get(k)?.size ?? 0), n: v.n }));
print('Growth by constructor (count, self size in KB), largest size growth first:');
for (const r of rows.sort((x, y) => y.ds - x.ds).slice(0, 30))
  print(`  ${String(r.dn).padStart(8)} ${(r.ds / 1024).toFixed(1).padStart(10)} KB  ${r.k} (now ${r.n})`);
const ca = collections(before);
const grown = [...collections(after).entries()]
  .map(([id, v]) => ({ id, node: v.node, growth: v.size - (ca.get(id)?.size ?? 0), existed: ca.has(id) }))
  .filter((c) => c.existed && c.growth > 0)
  .sort((x, y) => y.growth - x.growth)
  .slice(0, 12);
print('\nCollections present in both that grew most (backing store, KB), with what retains them:');
const paths = retainers(
  after,
  grown.map((c) => c.node),
);
for (const c of grown) print(`  ${(c.growth / 1024).toFixed(1).padStart(10)} KB  ${after.name(c.node)} @${c.id}  ${paths.get(c.node)}`);

// A third argument (a constructor name, e.g. Timeout): where the objects of that name that are new in the
// second snapshot hang, grouped by their retaining path, and what their properties point at.
const inspect = process.argv[4];
if (inspect) {
  const old = new Set<number>();
  for (let i = 0; i < before.count; i += 1) if (before.name(i) === inspect) old.add(before.id(i));
  const fresh: number[] = [];
  for (let i = 0; i < after.count; i += 1) if (after.name(i) === inspect && after.type(i) === 'object' && !old.has(after.id(i))) fresh.push(i);
  const sample = fresh.slice(0, 400);
  const where = retainers(after, sample, 6);
  const groups = new Map<string, number>();
  for (const i of sample) {
    const props = after
      .edges(i)
      .filter(([t]) => t === 'property')
      .map(([, n, to]) => `${n}=${after.name(to).slice(0, 30)}`)
      .join(' ');
    const key = `${where.get(i)}\n      ${props}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  print(`\n${fresh.length} new ${inspect} objects; the first ${sample.length} by retaining path:`);
  for (const [k, n] of [...groups].sort((x, y) => y[1] - x[1]).slice(0, 15)) print(`  ${String(n).padStart(5)}  ${k}`);
}
