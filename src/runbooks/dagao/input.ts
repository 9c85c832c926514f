import { z } from 'zod';
import { UUID_PATTERN } from '../../actions/cli/commands';
import { isPathSegment } from '../../actions/http/path-segment';
import type { ParseResult } from '../../operations/runbook';
import { showInput } from '../../util/text';

/** Where on the recovery ladder an operation starts (`status` = diagnosis, then the whole ladder). */
export const DAGAO_STARTS = ['status', 'cycle', 'retry', 'scale', 'rollback'] as const;
export type DagaoStart = (typeof DAGAO_STARTS)[number];

export const MAX_NODES = 200;
/** Cluster size offered by the scale rung when nobody says otherwise (`--nodes` or `scale <n>`). */
export const DEFAULT_NODES = 30;

export const DagaoInput = z.object({
  from: z.enum(DAGAO_STARTS),
  /** Metapod transaction given with `--tx` (or named by the alarm); otherwise looked up in the channel. */
  tx: z.string().regex(UUID_PATTERN).optional(),
  /** Where `tx` came from, so the thread does not say "given with --tx" for the alarm post's transaction. */
  txSource: z.enum(['flag', 'alarm']).optional(),
  nodes: z.number().int().min(1).max(MAX_NODES),
  /** The failed run an alarm named; otherwise the latest run is diagnosed. */
  runId: z.string().max(250).refine(isPathSegment, 'a run id cannot be empty, `.` or `..`').optional(),
});
export type DagaoInput = z.infer<typeof DagaoInput>;

export const DAGAO_USAGE = [
  '/runbook dagao status [--tx <transaction-id>] [--nodes <n>]   (diagnose the latest run, then offer the recovery ladder)',
  '/runbook dagao <cycle|retry|scale <nodes>|rollback> [--tx <transaction-id>]   (start the ladder at that rung)',
];

function parseNodes(word: string | undefined): number | string {
  if (word === undefined) return 'Give the number of nodes, e.g. `scale 40`.';
  if (!/^\d{1,4}$/.test(word) || Number(word) < 1 || Number(word) > MAX_NODES) return `${showInput(word)} is not a number of nodes between 1 and ${MAX_NODES}.`;
  return Number(word);
}

/** Parses `dagao <start> [<nodes>] [--tx <uuid>] [--nodes <n>]`; every problem is explained. */
export function parseDagao(args: string[]): ParseResult<DagaoInput> {
  const [rawStart, ...rest] = args;
  const from = rawStart?.toLowerCase();
  const starts = DAGAO_STARTS.map((s) => `\`${s}\``).join(', ');
  if (from === undefined) return { ok: false, error: `Say where to start: ${starts}.` };
  if (!(DAGAO_STARTS as readonly string[]).includes(from)) return { ok: false, error: `Unknown dagão step ${showInput(rawStart!)}: use ${starts}.` };
  const value: DagaoInput = { from: from as DagaoStart, nodes: DEFAULT_NODES };
  let words = rest;
  if (from === 'scale') {
    const nodes = parseNodes(words[0]);
    if (typeof nodes === 'string') return { ok: false, error: nodes };
    value.nodes = nodes;
    words = words.slice(1);
  }
  while (words.length > 0) {
    const [flag, arg, ...more] = words;
    if (flag === '--tx') {
      if (arg === undefined) return { ok: false, error: 'Give the transaction id after `--tx`.' };
      if (!UUID_PATTERN.test(arg)) return { ok: false, error: `${showInput(arg)} is not a transaction id (a UUID like \`f7832a01-001b-56f7-a4fe-b3a417f8f654\`).` };
      value.tx = arg.toLowerCase();
    } else if (flag === '--nodes' && from !== 'scale') {
      const nodes = parseNodes(arg);
      if (typeof nodes === 'string') return { ok: false, error: nodes };
      value.nodes = nodes;
    } else {
      return { ok: false, error: `Unexpected ${showInput(words.join(' '))}: only \`--tx <transaction-id>\`${from === 'scale' ? '' : ' and `--nodes <n>`'} may follow.` };
    }
    words = more;
  }
  return { ok: true, value };
}

/** How the thread names the origin of a given transaction id. */
export function txOrigin(input: DagaoInput): string {
  return input.txSource === 'alarm' ? 'named in the alarm post' : 'given with --tx';
}
