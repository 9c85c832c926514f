import { z } from 'zod';
import { CliInputError, type CliAllowList } from '../actions/cli/allow-list';
import { JOB_NAME_PATTERN, type PreparedCommand } from '../actions/cli/commands';
import type { CliRunner } from '../actions/cli/runner';
import { makePlan } from '../operations/fingerprint';
import { UserFacingError, type Runbook, type StepOutcome } from '../operations/runbook';
import { arg } from '../operations/runbook-args';
import { stepKind } from '../operations/step-kinds';
import { defineRunbook, type RunbookHooks } from './define';
import { showInput } from '../util/text';
import { commandPreview, runCliStep } from './cli-step';
import { auroraTarget } from './history/targets';

export const AURORA_VERBS = ['list', 'status', 'create', 'kill'] as const;
type AuroraVerb = (typeof AURORA_VERBS)[number];

const AuroraInput = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('list') }),
  z.object({ verb: z.enum(['status', 'create', 'kill']), job: z.string().regex(JOB_NAME_PATTERN) }),
]);
export type AuroraInput = z.infer<typeof AuroraInput>;

const commandName = (verb: AuroraVerb): string => `aurora-${verb}`;

/** The words of `/runbook aurora <verb> [<job>]`; the command parser, help and form are generated from them. */
export const AuroraArgs = z.object({
  verb: arg(z.enum(AURORA_VERBS), {
    label: 'verb',
    positional: 0,
    description: "`list` the jobs of cantareira-stable, a job's `status`, `create` a job from its job file (1 approver), `kill` a running job (2 approvers)",
    example: 'status',
  }),
  job: arg(
    z
      .string()
      .regex(JOB_NAME_PATTERN, {
        error: (iss) => `${showInput(String(iss.input))} is not an aurora job name (lower-case letters, digits, \`-\` and \`_\`, like \`dagao\`).`,
      })
      .optional(),
    {
      label: 'job name',
      positional: 1,
      description: 'the aurora job (not with `list`)',
      example: 'dagao',
      lookup: 'aurora-jobs',
    },
  ),
});

/** `list` takes no job; the other verbs need one. */
function auroraInputOf(args: z.output<typeof AuroraArgs>): AuroraInput {
  if (args.verb === 'list') {
    if (args.job !== undefined) throw new UserFacingError(`\`list\` takes no job name; got ${showInput(args.job)}.`);
    return { verb: 'list' };
  }
  if (args.job === undefined) throw new UserFacingError(`Give the name of the aurora job to ${args.verb}.`);
  return { verb: args.verb, job: args.job };
}

/** "Controlling aurora jobs via the CLI": allow-listed sabesp job commands, each its own one-step plan. */
export const aurora = defineRunbook({
  name: 'aurora',
  title: 'Control aurora jobs',
  requires: ['cli'],
  args: AuroraArgs,
  input: AuroraInput,
  toInput: auroraInputOf,
  create: ({ cli }) => auroraHooks(cli),
});

/** Parses `aurora <verb> [<job>]` (the generated parser); the allow-list checks the job again when planned. */
export const parseAurora = aurora.parse;

/** The aurora runbook on this allow-list and runner. */
export function auroraRunbook(deps: { allowList: CliAllowList; runner: CliRunner }): Runbook<AuroraInput> {
  return aurora.create({ cli: deps });
}

function auroraHooks(deps: { allowList: CliAllowList; runner: CliRunner }): RunbookHooks<AuroraInput> {
  const prepare = (input: AuroraInput) => {
    try {
      return deps.allowList.prepare(commandName(input.verb), input.verb === 'list' ? {} : { job: input.job });
    } catch (err) {
      if (err instanceof CliInputError) throw new UserFacingError(err.message, err.code);
      throw err;
    }
  };
  const longest = Math.max(...AURORA_VERBS.map((v) => deps.allowList.get(commandName(v)).timeoutMs));
  return {
    targetOf: auroraTarget,
    // The command's own timeout stops it first; this only bounds the step around it.
    stepTimeoutMs: longest + 30_000,
    buildPlan(input) {
      const command = prepare(input);
      const entry = deps.allowList.get(command.name);
      const what = input.verb === 'list' ? 'List aurora jobs' : `${input.verb[0]!.toUpperCase()}${input.verb.slice(1)} aurora job \`${input.job}\``;
      const preview = commandPreview(deps.runner, command);
      return Promise.resolve(
        makePlan({
          runbook: 'aurora',
          title: what.replace(/`/g, ''),
          summary: `${what} with \`sabesp\`.`,
          facts: { command: preview[0]!.value, timeoutMs: command.timeoutMs },
          steps: [
            {
              id: input.verb,
              title: what,
              risk: command.risk,
              preview,
              explanation: entry.description,
              verification: '`sabesp` exits with code 0; its output, exit code and duration are posted in this thread.',
              action: { kind: 'cli.aurora', params: { command: command.name, ...command.params } },
            },
          ],
        }),
      );
    },
    steps: [auroraStep(prepare, deps.runner)],
  };
}

const JOB_COMMANDS = { 'aurora-status': 'status', 'aurora-create': 'create', 'aurora-kill': 'kill' } as const;

/** The parameters of an aurora step: the allow-listed command and its job, as the plan shows them. */
const AuroraParams = z.discriminatedUnion('command', [
  z.object({ command: z.literal('aurora-list') }),
  z.object({ command: z.enum(['aurora-status', 'aurora-create', 'aurora-kill']), job: z.string().regex(JOB_NAME_PATTERN) }),
]);
type AuroraParams = z.infer<typeof AuroraParams>;

const inputOf = (p: AuroraParams): AuroraInput => (p.command === 'aurora-list' ? { verb: 'list' } : { verb: JOB_COMMANDS[p.command], job: p.job });

/** `cli.aurora`: one allow-listed `sabesp` job command (stored as the generic `cli` before step kinds). */
function auroraStep(prepare: (input: AuroraInput) => PreparedCommand, runner: CliRunner) {
  return stepKind({
    kind: 'cli.aurora',
    aliases: ['cli'],
    params: AuroraParams,
    run: (params, _input: AuroraInput, ctx) => runCliStep(runner, prepare(inputOf(params)), ctx).then(({ run: _run, ...outcome }) => outcome),
    // "Check state" after an interruption: sabesp has no request id, so say what to look at.
    checkState: (params) => Promise.resolve(checkAuroraState(inputOf(params))),
  });
}

/** What to look at before running an interrupted aurora command again (sabesp has no request id to look up). */
export function checkAuroraState(input: AuroraInput): StepOutcome {
  if (input.verb === 'list' || input.verb === 'status') return { ok: true, summary: 'This command only reads; running it again changes nothing.' };
  return {
    ok: true,
    summary: `\`sabesp\` may or may not have ${input.verb === 'kill' ? 'killed' : 'created'} \`${input.job}\`. Look with \`/runbook aurora status ${input.job}\` before running it again.`,
  };
}
