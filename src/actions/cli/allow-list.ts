import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../../util/duration';
import { DEFAULT_COMMANDS, paramSchema, templateProblems, type CliCommand, type PreparedCommand } from './commands';

/** A parameter value that does not fit its command; the message names the parameter and the rule. */
export class CliInputError extends Error {
  readonly code = 'invalid_cli_input';
}

/** The commands the bot may run, each with its typed parameters; nothing outside it is ever spawned. */
export class CliAllowList {
  private readonly byName: ReadonlyMap<string, CliCommand>;

  constructor(commands: readonly CliCommand[] = DEFAULT_COMMANDS) {
    for (const c of commands) {
      const problems = templateProblems(c);
      if (problems.length > 0) throw new Error(`CLI command ${c.name} ${problems.join('; ')}`);
    }
    this.byName = new Map(commands.map((c) => [c.name, c]));
  }

  get(name: string): CliCommand {
    const command = this.byName.get(name);
    if (!command) throw new CliInputError(`The command "${name}" is not in the bot's allow-list.`);
    return command;
  }

  /** Validates every value against its parameter and fills the template; throws CliInputError before anything runs. */
  prepare(name: string, values: Record<string, string | number | undefined>): PreparedCommand {
    const command = this.get(name);
    const unknown = Object.keys(values).filter((k) => !(k in command.params));
    if (unknown.length > 0) throw new CliInputError(`${name} has no parameter ${unknown.join(', ')}.`);
    const params: Record<string, string> = {};
    for (const [key, spec] of Object.entries(command.params)) {
      const raw = values[key] ?? ('default' in spec ? spec.default : undefined);
      if (raw === undefined) throw new CliInputError(`${name} needs a value for ${key}.`);
      const text = String(raw);
      if (text.length > 200) throw new CliInputError(`The value for ${key} is ${text.length} characters long; that is not a valid ${spec.type}.`);
      const parsed = paramSchema(spec).safeParse(text);
      if (!parsed.success) throw new CliInputError(`The value for ${key} ${parsed.error.issues[0]?.message ?? 'is invalid'}.`);
      params[key] = parsed.data;
    }
    const args = command.argv.map((word) => word.replace(/\{([a-z][a-z0-9_]*)\}/g, (_m, key: string) => params[key]!));
    return { name, bin: command.bin, args, params, risk: command.risk, timeoutMs: command.timeoutMs };
  }
}

const Override = z
  .object({
    argv: z.array(z.string().min(1).max(200)).min(1).max(40).optional(),
    timeout: z.string().optional(),
  })
  .strict();
const CommandsFile = z.object({ commands: z.record(z.string(), Override) }).strict();

/** Applies CLI_COMMANDS_FILE (JSON) to the defaults; throws one Error naming every problem, so the bot refuses to start. */
export function loadAllowList(path: string | undefined, defaults: readonly CliCommand[] = DEFAULT_COMMANDS): CliAllowList {
  if (!path) return new CliAllowList(defaults);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`CLI_COMMANDS_FILE: could not read ${path} as JSON (${(err as Error).message})`);
  }
  const parsed = CommandsFile.safeParse(json);
  if (!parsed.success) {
    throw new Error(`CLI_COMMANDS_FILE: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  }
  const problems: string[] = [];
  const byName = new Map(defaults.map((c) => [c.name, c]));
  for (const [name, override] of Object.entries(parsed.data.commands)) {
    const base = byName.get(name);
    if (!base) {
      problems.push(
        `${name}: there is no such command (adjustable: ${defaults
          .filter((c) => c.adjustable)
          .map((c) => c.name)
          .join(', ')})`,
      );
      continue;
    }
    if (!base.adjustable) {
      problems.push(`${name}: this command is fixed by the runbook and cannot be changed in the file`);
      continue;
    }
    const timeoutMs = override.timeout === undefined ? base.timeoutMs : parseDuration(override.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0 || timeoutMs > 3_600_000) problems.push(`${name}.timeout: must be a duration like 90s or 5m (at most 1h)`);
    const next = { ...base, argv: override.argv ?? base.argv, timeoutMs: timeoutMs ?? base.timeoutMs };
    problems.push(...templateProblems(next).map((p) => `${name}.argv ${p}`));
    byName.set(name, next);
  }
  if (problems.length > 0) throw new Error(`CLI_COMMANDS_FILE (${path}): ${problems.join('; ')}`);
  return new CliAllowList([...byName.values()]);
}
