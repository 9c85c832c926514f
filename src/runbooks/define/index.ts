import type { z } from 'zod';
import { UserFacingError, type AnyRunbook, type ParseResult, type Runbook } from '../../operations/runbook';
import type { ArgsSchema } from '../../operations/runbook-args';
import { missingOf, notConfiguredText, type AdapterName, type Needs, type RunbookAdapters } from './adapters';
import { fieldsOf } from './fields';
import { parseWords } from './parse-words';
import { helpLines, usageLine } from './usage';

export type { AdapterName, Needs, RunbookAdapters } from './adapters';

/** What a runbook does once its adapters are there: everything of `Runbook` but how it is typed. */
export type RunbookHooks<I> = Omit<Runbook<I>, 'name' | 'title' | 'usage' | 'inputSchema' | 'parse' | 'args' | 'help'>;

/** One declaration per runbook: its name, what it needs, its arguments, and what it does. */
export interface RunbookDeclaration<A extends ArgsSchema, I, R extends AdapterName> {
  /** The slash subcommand, e.g. `retract`. */
  name: string;
  title: string;
  /** Adapters and settings it cannot work without; missing ones make it refuse with a generated text. */
  requires: readonly R[];
  /** The arguments, fields declared with `arg()`: the parser, usage, help and form come from them. */
  args: A;
  /** The stored input (validated again when the plan is rebuilt). */
  input: z.ZodType<I>;
  /** From parsed arguments to input (derived or cross-field checks); throws UserFacingError to refuse. */
  toInput(args: z.output<A>): I;
  /** Set for a runbook only the bot proposes (e.g. an undo): typing it is refused with this text. */
  proposedOnly?: string;
  /** The runbook's hooks given its adapters. Pure hooks (alarms, targets) work without them. */
  create(adapters: Needs<R>): RunbookHooks<I>;
  /** Hooks that need no adapter (settings at most), kept when the runbook is unavailable: alarm claims, targets. */
  pure?: (adapters: RunbookAdapters) => Pick<RunbookHooks<I>, 'fromAlarm' | 'offerForAlarm' | 'targetOf'>;
}

/** A declared runbook: parses and describes itself, and becomes a `Runbook` given adapters. */
export interface RunbookModule<I = unknown> {
  name: string;
  title: string;
  requires: readonly AdapterName[];
  args: ArgsSchema;
  usage: string[];
  parse: (words: string[]) => ParseResult<I>;
  /** The registry entry: the full runbook, or one that explains why it is unavailable. */
  create: (adapters: RunbookAdapters) => Runbook<I>;
}

/** Declares a runbook once; the slash-command parser, usage, help and "not configured" refusal are generated. */
export function defineRunbook<A extends ArgsSchema, I, R extends AdapterName>(decl: RunbookDeclaration<A, I, R>): RunbookModule<I> {
  const fields = fieldsOf(decl.args);
  const usage = decl.proposedOnly ? [] : [usageLine(decl.name, fields)];
  const parse = (words: string[]): ParseResult<I> => {
    if (decl.proposedOnly) return { ok: false, error: decl.proposedOnly };
    const parsed = parseWords(decl.args, fields, words);
    if (!parsed.ok) return parsed;
    try {
      const checked = decl.input.safeParse(decl.toInput(parsed.value));
      return checked.success ? { ok: true, value: checked.data } : { ok: false, error: checked.error.issues[0]!.message };
    } catch (err) {
      if (err instanceof UserFacingError) return { ok: false, error: err.message };
      throw err;
    }
  };
  const create = (adapters: RunbookAdapters): Runbook<I> => {
    const missing = missingOf(decl.requires, adapters);
    const help = decl.proposedOnly ? [] : helpLines(decl.name, decl.title, fields, missing.length > 0 ? notConfiguredText(decl.name, missing) : undefined);
    const head = { name: decl.name, title: decl.title, usage, help, inputSchema: decl.input, parse, args: decl.args };
    if (missing.length === 0) return { ...decl.pure?.(adapters), ...decl.create(adapters as Needs<R>), ...head };
    const refusal = notConfiguredText(decl.name, missing);
    return {
      ...decl.pure?.(adapters),
      ...head,
      unavailable: refusal,
      buildPlan: () => Promise.reject(new UserFacingError(refusal, 'not_configured')),
      // No kinds without adapters: the engine refuses every step of an unavailable runbook with `refusal`.
      steps: [],
    };
  };
  return { name: decl.name, title: decl.title, requires: decl.requires, args: decl.args, usage, parse, create };
}

/** The registry from the list of runbook modules: every module listed, available or not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registryOf(modules: readonly RunbookModule<any>[], adapters: RunbookAdapters): ReadonlyMap<string, AnyRunbook> {
  const registry = new Map<string, AnyRunbook>();
  const withRegistry: RunbookAdapters = { ...adapters, runbooks: () => registry };
  for (const m of modules) registry.set(m.name, m.create(withRegistry));
  return registry;
}
