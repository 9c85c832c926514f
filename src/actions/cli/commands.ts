import { z } from 'zod';
import type { Risk } from '../../operations/types';

/** The CLIs the bot may run; their paths come from SABESP_BIN / NU_BIN. */
export type CliBinary = 'sabesp' | 'nu';

/** A typed parameter of an allow-listed command; every value is checked against it before any spawn. */
export type ParamSpec =
  | { type: 'enum'; values: readonly string[]; default?: string }
  | { type: 'integer'; min: number; max: number; default?: number }
  | { type: 'uuid' }
  | { type: 'job-name' }
  | { type: 'version'; default?: string };

/** One allow-listed command: which CLI, an argv template with `{param}` placeholders, its risk and timeout. */
export interface CliCommand {
  name: string;
  bin: CliBinary;
  /** One template per argv word; a placeholder fills part of a word and never adds words. */
  argv: readonly string[];
  params: Readonly<Record<string, ParamSpec>>;
  risk: Risk;
  timeoutMs: number;
  description: string;
  /** Operators may change `argv` and `timeoutMs` in CLI_COMMANDS_FILE (the aurora job entries). */
  adjustable?: boolean;
}

/** A validated command ready to run: the binary's name and the exact argv, no shell anywhere. */
export interface PreparedCommand {
  name: string;
  bin: CliBinary;
  args: string[];
  params: Record<string, string>;
  risk: Risk;
  timeoutMs: number;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Aurora job names: lower-case words joined by `-` or `_`, as sabesp prints them. */
export const JOB_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

const MIN = 60_000;

/** The commands of the runbook ("Basic steps to handling Airflow DAG errors", "Controlling aurora jobs via the CLI"). */
export const DEFAULT_COMMANDS: readonly CliCommand[] = [
  {
    name: 'cycle-machines',
    bin: 'nu',
    argv: ['ser', 'cycle', 'mesos-on-demand', '--env', 'cantareira', '--suffix', 'stable', '--region', 'us-east-1'],
    params: {},
    risk: 'destructive',
    timeoutMs: 20 * MIN,
    description: 'Replaces every mesos on-demand machine of cantareira-stable; running jobs on them are lost.',
  },
  {
    name: 'dagao-retry',
    bin: 'sabesp',
    argv: [
      '--verbose',
      '--aurora-stack=cantareira-stable',
      'jobs',
      'create',
      'prod',
      'dagao',
      '--filename',
      'dagao',
      'profile.metapod_transaction={transaction}',
    ],
    params: { transaction: { type: 'uuid' } },
    risk: 'mutating',
    timeoutMs: 10 * MIN,
    description: 'Starts the dagão again on the same Metapod transaction.',
  },
  {
    name: 'scale-cluster',
    bin: 'sabesp',
    argv: [
      '--aurora-stack=cantareira-stable',
      'jobs',
      'create',
      'prod',
      'scale',
      '--job-version',
      'scale_cluster={version}',
      'MODE=on-demand',
      'N_NODES={nodes}',
      'SCALE_TIMEOUT=0',
    ],
    params: { version: { type: 'version', default: '4945885' }, nodes: { type: 'integer', min: 1, max: 200 } },
    risk: 'mutating',
    timeoutMs: 20 * MIN,
    description: 'Resizes the on-demand cluster to the given number of nodes.',
  },
  {
    name: 'aurora-list',
    bin: 'sabesp',
    argv: ['--aurora-stack=cantareira-stable', 'jobs', 'list', 'prod'],
    params: {},
    risk: 'read-only',
    timeoutMs: 2 * MIN,
    description: 'Lists the aurora jobs of cantareira-stable.',
    adjustable: true,
  },
  {
    name: 'aurora-status',
    bin: 'sabesp',
    argv: ['--aurora-stack=cantareira-stable', 'jobs', 'status', 'prod', '{job}'],
    params: { job: { type: 'job-name' } },
    risk: 'read-only',
    timeoutMs: 2 * MIN,
    description: 'Shows the state of one aurora job.',
    adjustable: true,
  },
  {
    name: 'aurora-create',
    bin: 'sabesp',
    argv: ['--aurora-stack=cantareira-stable', 'jobs', 'create', 'prod', '{job}', '--filename', '{job}'],
    params: { job: { type: 'job-name' } },
    risk: 'mutating',
    timeoutMs: 10 * MIN,
    description: 'Starts an aurora job from its job file.',
    adjustable: true,
  },
  {
    name: 'aurora-kill',
    bin: 'sabesp',
    argv: ['--aurora-stack=cantareira-stable', 'jobs', 'kill', 'prod', '{job}'],
    params: { job: { type: 'job-name' } },
    risk: 'destructive',
    timeoutMs: 5 * MIN,
    description: 'Kills every running instance of an aurora job; its work so far is lost.',
    adjustable: true,
  },
];

/** The zod schema a parameter value must satisfy (values always arrive as text). */
export function paramSchema(spec: ParamSpec): z.ZodType<string> {
  switch (spec.type) {
    case 'enum':
      return z.string().refine((v) => spec.values.includes(v), { message: `must be one of ${spec.values.join(', ')}` });
    case 'integer':
      return z
        .string()
        .regex(/^-?\d{1,9}$/, 'must be a whole number')
        .refine((v) => Number(v) >= spec.min && Number(v) <= spec.max, { message: `must be between ${spec.min} and ${spec.max}` })
        .transform((v) => String(Number(v)));
    case 'uuid':
      return z
        .string()
        .regex(UUID_PATTERN, 'must be a UUID')
        .transform((v) => v.toLowerCase());
    case 'job-name':
      return z.string().regex(JOB_NAME_PATTERN, 'must be an aurora job name (lower-case letters, digits, - and _)');
    case 'version':
      return z.string().regex(VERSION_PATTERN, 'must be a version (letters, digits, ., _ and -)');
  }
}

/** The placeholder names used in an argv template. */
export function placeholdersOf(argv: readonly string[]): string[] {
  return [...new Set(argv.flatMap((word) => [...word.matchAll(PLACEHOLDER)].map((m) => m[1]!)))];
}

/** Problems with an entry's template (unknown or unused placeholders, stray braces); empty when sound. */
export function templateProblems(command: Pick<CliCommand, 'argv' | 'params'>): string[] {
  const used = placeholdersOf(command.argv);
  const declared = Object.keys(command.params);
  const problems = [
    ...used.filter((p) => !declared.includes(p)).map((p) => `uses {${p}}, which is not one of its parameters (${declared.join(', ') || 'none'})`),
    ...declared.filter((p) => !used.includes(p)).map((p) => `never uses its parameter {${p}}`),
  ];
  if (command.argv.length === 0) problems.push('has an empty argv');
  for (const word of command.argv) {
    if (/[{}]/.test(word.replace(PLACEHOLDER, ''))) problems.push(`has a stray brace in ${JSON.stringify(word)}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(word)) problems.push('has a control character in an argv word');
  }
  return problems;
}
