/**
 * Text edits computed from syntax-tree positions, applied all at once, and the unified diff the
 * preview shows. Positions are JavaScript string indices (web-tree-sitter parses strings as UTF-16).
 */

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies edits; an edit inside another one is dropped (the outer one removes it anyway); partial overlaps are a bug in the caller. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: TextEdit[] = [];
  for (const e of sorted) {
    const last = kept[kept.length - 1];
    if (last && e.start >= last.start && e.end <= last.end && !(e.start === e.end && e.start === last.end)) {
      // An insertion where a removal ends is kept (a comma after the element that remains).
      if (e.start === last.start && e.end === last.end && e.text !== last.text) throw new Error(`two different edits of the same text at ${e.start}`);
      continue;
    }
    if (last && e.start < last.end) throw new Error(`overlapping edits at ${e.start}`);
    kept.push(e);
  }
  let out = source;
  for (const e of kept.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const lineStart = (s: string, i: number): number => s.lastIndexOf('\n', i - 1) + 1;
function lineEnd(s: string, i: number): number {
  const n = s.indexOf('\n', i);
  return n < 0 ? s.length : n;
}

/**
 * Grows [start, end) to whole lines when nothing else but blanks (before) and blanks or a comment
 * (after, in `commentMark` syntax) shares those lines; otherwise returns it unchanged.
 */
export function wholeLines(source: string, start: number, end: number, commentMark: string): { start: number; end: number; whole: boolean } {
  const from = lineStart(source, start);
  const to = lineEnd(source, end);
  const before = source.slice(from, start);
  const after = source.slice(end, to).trim();
  if (before.trim() !== '' || (after !== '' && !after.startsWith(commentMark))) return { start, end, whole: false };
  return { start: from, end: Math.min(source.length, to + 1), whole: true };
}

/** The indentation of the line holding index `i`. */
export function indentAt(source: string, i: number): string {
  const from = lineStart(source, i);
  return /^[ \t]*/.exec(source.slice(from))![0];
}

/** Longest common subsequence of two line arrays, as index pairs (the middle of a file, after common ends are trimmed). */
function commonLines(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  // Beyond a few million cells the middle is shown as removed then added (still a correct diff).
  if (n * m > 4_000_000) return [];
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

type DiffLine = { op: ' ' | '-' | '+'; text: string; a: number; b: number };

/** A unified diff (3 lines of context) of the whole change from `before` to `after`. */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const lines: DiffLine[] = [];
  for (let k = 0; k < head; k++) lines.push({ op: ' ', text: a[k]!, a: k, b: k });
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...commonLines(midA, midB), [midA.length, midB.length] as [number, number]]) {
    while (i < pi) lines.push({ op: '-', text: midA[i]!, a: head + i++, b: head + j });
    while (j < pj) lines.push({ op: '+', text: midB[j]!, a: head + i, b: head + j++ });
    if (i < midA.length && j < midB.length) lines.push({ op: ' ', text: midA[i]!, a: head + i++, b: head + j++ });
  }
  for (let k = 0; k < tail; k++) lines.push({ op: ' ', text: a[a.length - tail + k]!, a: a.length - tail + k, b: b.length - tail + k });

  const out = [`--- a/${file}`, `+++ b/${file}`];
  const changed = lines.map((l, k) => (l.op === ' ' ? -1 : k)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    let last = k;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * context + 1) last++;
    const from = Math.max(0, changed[k]! - context);
    const to = Math.min(lines.length - 1, changed[last]! + context);
    const hunk = lines.slice(from, to + 1);
    const countA = hunk.filter((l) => l.op !== '+').length;
    const countB = hunk.filter((l) => l.op !== '-').length;
    out.push(`@@ -${hunk[0]!.a + (countA ? 1 : 0)},${countA} +${hunk[0]!.b + (countB ? 1 : 0)},${countB} @@`);
    for (const l of hunk) out.push(`${l.op}${l.text}`);
    k = last + 1;
  }
  return out.join('\n');
}

/** 1-based number of the first line that differs between two texts. */
export function firstChangedLine(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i + 1;
}
