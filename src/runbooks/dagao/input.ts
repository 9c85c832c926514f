import { z } from 'zod';
import { UUID_PATTERN } from '../../actions/cli/commands';
import { isPathSegment } from '../../actions/http/path-segment';
import { UserFacingError } from '../../operations/runbook';
import { arg } from '../../operations/runbook-args';
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

const nodesField = (meta: { positional?: number; flag?: string; description: string }) =>
  arg(
    z
      .number({ error: (iss) => `${showInput(String(iss.input))} is not a number of nodes between 1 and ${MAX_NODES}.` })
      .int()
      .min(1)
      .max(MAX_NODES)
      .optional(),
    { label: 'nodes', example: '40', ...meta },
  );

/** The words of `/runbook dagao`; the command parser, help and form are generated from them. */
export const DagaoArgs = z.object({
  from: arg(z.enum(DAGAO_STARTS), {
    label: 'step',
    positional: 0,
    description: 'where to start: `status` diagnoses the latest run, then offers the recovery ladder; `cycle`, `retry`, `scale`, `rollback` start at that rung',
    example: 'status',
  }),
  scaleTo: nodesField({ positional: 1, description: `after \`scale\`: the cluster size (1 to ${MAX_NODES})` }),
  nodes: nodesField({ flag: 'nodes', description: `the cluster size the scale rung offers (default ${DEFAULT_NODES}); not with \`scale\`` }),
  tx: arg(
    z
      .string()
      .toLowerCase()
      .regex(UUID_PATTERN, {
        error: (iss) => `${showInput(String(iss.input))} is not a transaction id (a UUID like \`f7832a01-001b-56f7-a4fe-b3a417f8f654\`).`,
      })
      .optional(),
    {
      label: 'transaction id',
      flag: 'tx',
      description: 'the Metapod transaction to retry; without it, looked up in the channel',
      example: 'f7832a01-001b-56f7-a4fe-b3a417f8f654',
    },
  ),
});

/** `scale <n>` takes its size after the word; the other starts take `--nodes`. */
export function dagaoInputOf(args: z.output<typeof DagaoArgs>): DagaoInput {
  if (args.from === 'scale') {
    if (args.nodes !== undefined) throw new UserFacingError('`--nodes` does not go with `scale`: give the number after it, e.g. `scale 40`.');
    if (args.scaleTo === undefined) throw new UserFacingError('Give the number of nodes, e.g. `scale 40`.');
  } else if (args.scaleTo !== undefined) {
    throw new UserFacingError(`Unexpected \`${args.scaleTo}\` after \`${args.from}\`: only \`scale\` takes a number of nodes (use \`--nodes <n>\`).`);
  }
  return { from: args.from, nodes: args.scaleTo ?? args.nodes ?? DEFAULT_NODES, ...(args.tx ? { tx: args.tx } : {}) };
}

/** How the thread names the origin of a given transaction id. */
export function txOrigin(input: DagaoInput): string {
  return input.txSource === 'alarm' ? 'named in the alarm post' : 'given with --tx';
}
