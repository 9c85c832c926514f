/**
 * A Dockerfile as its instructions. The syntax is line-based (Dockerfile reference, "Format"): an
 * instruction is a keyword and its arguments; a line ending in the escape character (`\`) continues on
 * the next; lines starting with `#` are comments (also inside a continuation) and blank lines are ignored.
 * Enough to assert on instructions, never on the file's raw text.
 */
export interface Instruction {
  keyword: string;
  /** The arguments with continuations joined by a space. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** The exec (JSON array) form, when the arguments are one. */
  exec?: string[];
  /** `--flag=value` options before the arguments (COPY --from, --chown...). */
  flags: Record<string, string>;
}

/** Splits a Dockerfile into instructions. */
export function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const continues = trimmed.endsWith('\\');
    const part = continues ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { ...pending, parts: [...pending.parts, part] } : { parts: [part], line: i + 1 };
    if (continues) continue;
    out.push(toInstruction(pending.parts.filter(Boolean).join(' '), pending.line));
    pending = undefined;
  }
  if (pending) out.push(toInstruction(pending.parts.join(' '), pending.line));
  return out;
}

function toInstruction(full: string, line: number): Instruction {
  const [keyword = '', ...rest] = full.split(/\s+/);
  const flags: Record<string, string> = {};
  while (rest[0]?.startsWith('--')) {
    const [name, value = ''] = rest.shift()!.slice(2).split('=');
    flags[name!] = value;
  }
  const args = rest.join(' ');
  return { keyword: keyword.toUpperCase(), args, line, flags, ...(args.startsWith('[') ? { exec: parseExec(args) } : {}) };
}

function parseExec(args: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The instructions of the last stage (from its FROM on): what the image runs. */
export function finalStage(instructions: Instruction[]): Instruction[] {
  const from = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(Math.max(0, from));
}

/** The shell commands of a RUN instruction, split on `&&`, each as words. */
export function runCommands(run: Instruction): string[][] {
  return run.args.split('&&').map((c) => c.trim().split(/\s+/).filter(Boolean));
}
