import picomatch from 'picomatch';

/** A route condition's pattern: a glob (picomatch) or a regular expression written `/.../flags`. */
export interface Pattern {
  source: string;
  kind: 'glob' | 'regex';
  /** Named capture groups the pattern defines (regex only): they become input variables. */
  groups: string[];
  /** Whether `value` matches, with the named groups it captured. */
  match(value: string): { ok: boolean; groups: Record<string, string> };
}

const MAX_PATTERN = 300;
const MAX_GROUPS = 20;
const MAX_QUANTIFIERS = 30;
const FLAGS = new Set(['i', 'm', 's']);

/** `/body/flags` split into its parts, or undefined when the text is a glob. */
function regexParts(text: string): { body: string; flags: string } | undefined {
  if (!text.startsWith('/')) return undefined;
  const end = text.lastIndexOf('/');
  if (end <= 0) return undefined;
  return { body: text.slice(1, end), flags: text.slice(end + 1) };
}

/**
 * Why a pattern is refused, or undefined when it is usable. A regex must compile, stay under the size
 * bounds and have no nested unbounded quantifier (`(a+)+`) or backreference: JavaScript regexes have no
 * time limit, and an alarm post is text from outside.
 */
export function patternError(text: string): string | undefined {
  if (text.length === 0) return 'is empty';
  if (text.length > MAX_PATTERN) return `is ${text.length} characters long; at most ${MAX_PATTERN}`;
  const re = regexParts(text);
  if (!re) {
    try {
      picomatch.makeRe(text, { bash: true, dot: true });
      return undefined;
    } catch (err) {
      return `is not a valid glob: ${(err as Error).message}`;
    }
  }
  for (const f of re.flags) if (!FLAGS.has(f)) return `uses the flag "${f}"; only i, m and s are allowed`;
  const shape = regexShapeError(re.body);
  if (shape) return shape;
  try {
    new RegExp(re.body, re.flags);
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message}`;
  }
  return undefined;
}

/**
 * Scans a regex body character by character (escapes, classes, groups) and refuses what can make matching
 * slow: a quantified group containing an unbounded quantifier, backreferences, too many groups or quantifiers.
 */
function regexShapeError(body: string): string | undefined {
  const stack: boolean[] = []; // per open group: does it contain an unbounded quantifier?
  let groups = 0;
  let quantifiers = 0;
  let lastGroupHadUnbounded = false;
  let afterGroup = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[i + 1] ?? '';
      if ((n >= '1' && n <= '9') || n === 'k') return 'uses a backreference, which can make matching slow';
      i++;
      afterGroup = false;
      continue;
    }
    if (c === '[') {
      for (i++; i < body.length && body[i] !== ']'; i++) if (body[i] === '\\') i++;
      afterGroup = false;
      continue;
    }
    if (c === '(') {
      groups++;
      if (groups > MAX_GROUPS) return `has more than ${MAX_GROUPS} groups`;
      stack.push(false);
      afterGroup = false;
      continue;
    }
    if (c === ')') {
      lastGroupHadUnbounded = stack.pop() ?? false;
      if (lastGroupHadUnbounded && stack.length > 0) stack[stack.length - 1] = true;
      afterGroup = true;
      continue;
    }
    const unbounded = c === '*' || c === '+' || (c === '{' && isUnboundedRange(body, i));
    if (unbounded || c === '?' || c === '{') {
      quantifiers++;
      if (quantifiers > MAX_QUANTIFIERS) return `has more than ${MAX_QUANTIFIERS} quantifiers`;
      if (unbounded && afterGroup && lastGroupHadUnbounded)
        return 'repeats a group that itself repeats without bound (like (a+)+), which can make matching slow';
      if (unbounded && stack.length > 0) stack[stack.length - 1] = true;
      afterGroup = false;
      continue;
    }
    afterGroup = false;
  }
  return undefined;
}

/** `{n,}` or `{n,m}` with m above 100 counts as unbounded. */
function isUnboundedRange(body: string, at: number): boolean {
  const close = body.indexOf('}', at);
  if (close < 0) return false;
  const [, max] = body.slice(at + 1, close).split(',');
  return max !== undefined && (max.trim() === '' || Number(max) > 100);
}

/** Compiles a pattern that patternError accepted (throws otherwise). */
export function compilePattern(text: string): Pattern {
  const error = patternError(text);
  if (error) throw new Error(`pattern ${JSON.stringify(text)} ${error}`);
  const re = regexParts(text);
  if (re) {
    const regex = new RegExp(re.body, re.flags);
    const groups = namedGroups(re.body);
    return {
      source: text,
      kind: 'regex',
      groups,
      match(value) {
        const m = regex.exec(value);
        const captured: Record<string, string> = {};
        for (const [k, v] of Object.entries(m?.groups ?? {})) if (v !== undefined) captured[k] = v;
        return { ok: m !== null, groups: captured };
      },
    };
  }
  const isMatch = picomatch(text, { bash: true, dot: true });
  return { source: text, kind: 'glob', groups: [], match: (value) => ({ ok: isMatch(value), groups: {} }) };
}

/** The names of `(?<name>...)` groups, read by scanning the body. */
export function namedGroups(body: string): string[] {
  const out: string[] = [];
  for (let i = body.indexOf('(?<'); i >= 0; i = body.indexOf('(?<', i + 3)) {
    if (i > 0 && body[i - 1] === '\\') continue;
    const end = body.indexOf('>', i);
    const name = body.slice(i + 3, end);
    if (end > 0 && name !== '' && name !== '=' && name !== '!' && !name.startsWith('=') && !name.startsWith('!')) out.push(name);
  }
  return out;
}

/** The named groups of a pattern written in a route (empty for globs). */
export function groupsOfPattern(text: string): string[] {
  const re = regexParts(text);
  return re ? namedGroups(re.body) : [];
}
