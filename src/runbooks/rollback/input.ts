import { z } from 'zod';
import { arg } from '../../operations/runbook-args';
import { showInput } from '../../util/text';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const SHA = /^[0-9a-f]{7,40}$/;

export const RollbackInput = z.object({
  service: z.string().regex(NAME),
  /** Empty: the global stack, or every shard found. */
  shards: z.array(z.string().regex(NAME)).max(30),
  /** A short or full SHA; absent: the newest good build older than the deployed one. */
  to: z.string().regex(SHA).optional(),
  inPlace: z.boolean(),
});
export type RollbackInput = z.infer<typeof RollbackInput>;

const notName = (what: string, like: string) => (iss: { input: unknown }) =>
  `${showInput(String(iss.input))} is not a ${what} name (lowercase letters, digits and dashes, like \`${like}\`).`;

/** The words of `/runbook rollback`; the command parser, help and form are generated from them. */
export const RollbackArgs = z.object({
  service: arg(
    z
      .string()
      .toLowerCase()
      .regex(NAME, { error: notName('service', 'metapod') }),
    {
      label: 'service',
      positional: 0,
      description: 'the service whose last deploy to undo',
      example: 'metapod',
      lookup: 'services',
    },
  ),
  shards: arg(
    z
      .array(
        z
          .string()
          .toLowerCase()
          .regex(NAME, { error: notName('shard', 's0') })
          .refine((s) => s !== 'global', { error: '`global` is not a shard: leave out `--shard` to roll back a global service.' }),
      )
      .max(30)
      .optional(),
    { label: 'shard', flag: 'shard', description: 'only this shard (repeat for several); without it, the global stack or every shard found', example: 's0' },
  ),
  to: arg(
    z
      .string()
      .toLowerCase()
      .regex(SHA, {
        error: (iss) =>
          `${showInput(String(iss.input))} is not a commit SHA: give 7 to 40 hexadecimal characters, like \`6c957ed\` (what \`git rev-parse --short\` prints).`,
      })
      .optional(),
    {
      label: 'version',
      flag: 'to',
      description: 'the commit SHA to go back to; without it, the newest good build older than the deployed one',
      example: '6c957ed',
    },
  ),
  inPlace: arg(z.boolean().optional(), { label: 'in place', flag: 'in-place', description: 'update the live color in place instead of a blue/green switch' }),
});

/** The input from the parsed words: shards de-duplicated in the order given. */
export function rollbackInputOf(args: z.output<typeof RollbackArgs>): RollbackInput {
  return { service: args.service, shards: [...new Set(args.shards ?? [])], to: args.to, inPlace: args.inPlace ?? false };
}
