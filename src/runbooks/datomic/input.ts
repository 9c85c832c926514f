import { z } from 'zod';
import { arg } from '../../operations/runbook-args';
import { showInput } from '../../util/text';

const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
const ENV = /^[a-z][a-z0-9]{0,15}$/;
const PROTOTYPE = /^(s\d{1,3}|global)$/;

export const DatomicInput = z.object({
  service: z.string().regex(SERVICE),
  env: z.string().regex(ENV),
  prototype: z.string().regex(PROTOTYPE).optional(),
});
export type DatomicInput = z.infer<typeof DatomicInput>;

/** The words of `/runbook datomic`; the command parser, help and form are generated from them. */
export const DatomicArgs = z.object({
  service: arg(
    z
      .string()
      .toLowerCase()
      .regex(SERVICE, { error: (iss) => `${showInput(String(iss.input))} is not a service name (lowercase letters, digits and dashes, like \`analytics\`).` }),
    {
      label: 'service',
      positional: 0,
      description: 'the service whose Datomic table (`$env-[$prototype-]$service-datomic`) to look at',
      example: 'analytics',
      lookup: 'datomic-tables',
    },
  ),
  env: arg(
    z
      .string()
      .toLowerCase()
      .regex(ENV, { error: (iss) => `${showInput(String(iss.input))} is not an environment name (like \`prod\` or \`staging\`).` })
      .default('prod'),
    {
      label: 'environment',
      flag: 'env',
      description: 'the environment (default `prod`)',
      example: 'prod',
    },
  ),
  prototype: arg(
    z
      .string()
      .toLowerCase()
      .regex(PROTOTYPE, { error: (iss) => `${showInput(String(iss.input))} is not a prototype: use \`s0\`, \`s1\`, … or \`global\`.` })
      .optional(),
    {
      label: 'prototype',
      flag: 'prototype',
      description: 'the shard (`s0`, `s1`, …) or `global`',
      example: 's3',
    },
  ),
});

/** The input from the parsed words (an absent prototype is left out, never carried as `undefined`). */
export function datomicInputOf(args: z.output<typeof DatomicArgs>): DatomicInput {
  return { service: args.service, env: args.env, ...(args.prototype ? { prototype: args.prototype } : {}) };
}
