import { existsSync, readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigFileSchema, DEFAULT_CONFIG_FILE, type ConfigFile } from './schema';

/** Every problem with runbook-bot.yml, each naming the file, the line and the key. */
export class ConfigFileError extends Error {
  readonly code = 'invalid_config_file';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Where a path of keys sits in the document: the line of the deepest node that exists. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function describe(name: string, doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  // An unknown key is reported where the key itself stands, not where its parent starts.
  const line = lineOf(doc, lines, issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path);
  const key = path.length > 0 ? path.join('.') : '(top level)';
  const unknown = issue.code === 'unrecognized_keys' ? `: unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}` : `: ${issue.message}`;
  return `${name}${line !== undefined ? `:${line}` : ''} ${key}${unknown}`;
}

/** Parses and validates the text of runbook-bot.yml. Throws ConfigFileError naming the line and key of each problem. */
export function parseConfigFile(text: string, name = 'runbook-bot.yml'): ConfigFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(doc.errors.map((e) => `${name}:${lines.linePos(e.pos[0]).line} ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 50 }) ?? {};
  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigFileError(parsed.error.issues.map((i) => describe(name, doc, lines, i)));
  return parsed.data;
}

/**
 * Reads runbook-bot.yml. An explicitly configured path (RUNBOOK_CONFIG) must exist; the default path
 * may be absent, which means the built-in defaults.
 */
export function loadConfigFile(path: string, explicit: boolean): ConfigFile {
  if (!existsSync(path)) {
    if (explicit) throw new ConfigFileError([`${path}: no such file (RUNBOOK_CONFIG names it)`]);
    return DEFAULT_CONFIG_FILE;
  }
  return parseConfigFile(readFileSync(path, 'utf8'), path);
}
