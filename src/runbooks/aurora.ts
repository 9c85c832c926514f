import { z } from 'zod';
import { CliInputError, type CliAllowList } from '../actions/cli/allow-list';
import { JOB_NAME_PATTERN } from '../actions/cli/commands';
import type { CliRunner } from '../actions/cli/runner';
import { makePlan } from '../operations/fingerprint';
import { UserFacingError, type ParseResult, type Runbook, type StepOutcome } from '../operations/runbook';
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

const USAGE = [
  '/runbook aurora list                 (aurora jobs of cantareira-stable)',
  '/runbook aurora status <job>         (one job\'s state)',
  '/runbook aurora create <job>         (start a job from its job file; 1 approver)',
  '/runbook aurora kill <job>           (kill a running job; 2 approvers)',
];

const commandName = (verb: AuroraVerb): string => `aurora-${verb}`;

/** Parses `aurora <verb> [<job>]`; the job name is checked by the allow-list before anything is planned. */
export function parseAurora(args: string[], allowList: CliAllowList): ParseResult<AuroraInput> {
  const [rawVerb, job, ...extra] = args;
  const verb = rawVerb?.toLowerCase();
  if (verb === undefined) return { ok: false, error: `Say what to do: ${AURORA_VERBS.map((v) => `\`${v}\``).join(', ')}.` };
  if (!(AURORA_VERBS as readonly string[]).includes(verb)) {
    return { ok: false, error: `Unknown aurora verb ${showInput(rawVerb!)}: use ${AURORA_VERBS.map((v) => `\`${v}\``).join(', ')}.` };
  }
  if (verb === 'list') {
    return job === undefined ? { ok: true, value: { verb: 'list' } } : { ok: false, error: `\`list\` takes no job name; got ${showInput(args.slice(1).join(' '))}.` };
  }
  if (job === undefined) return { ok: false, error: `Give the name of the aurora job to ${verb}.` };
  if (extra.length > 0) return { ok: false, error: `Unexpected words after the job name: ${showInput(extra.join(' '))}.` };
  try {
    allowList.prepare(commandName(verb as AuroraVerb), { job });
  } catch (err) {
    if (err instanceof CliInputError) return { ok: false, error: `${showInput(job)} is not an aurora job name (lower-case letters, digits, \`-\` and \`_\`, like \`dagao\`).` };
    throw err;
  }
  return { ok: true, value: { verb: verb as 'status' | 'create' | 'kill', job } };
}

/** "Controlling aurora jobs via the CLI": allow-listed sabesp job commands, each its own one-step plan. */
export function auroraRunbook(deps: { allowList: CliAllowList; runner: CliRunner }): Runbook<AuroraInput> {
  const prepare = (input: AuroraInput) => {
    try {
      return deps.allowList.prepare(commandName(input.verb), input.verb === 'list' ? {} : { job: input.job });
    } catch (err) {
      if (err instanceof CliInputError) throw new UserFacingError(err.message, err.code);
      throw err;
    }
  };
  const longest = Math.max(...AURORA_VERBS.map((v) => deps.allowList.get(commandName(v)).timeoutMs));
  const runbook: Runbook<AuroraInput> = {
    name: 'aurora',
    title: 'Control aurora jobs',
    usage: USAGE,
    inputSchema: AuroraInput,
    parse: (args) => parseAurora(args, deps.allowList),
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
              action: { kind: 'cli', params: { command: command.name, ...command.params } },
            },
          ],
        }),
      );
    },
    runStep(_step, input, ctx) {
      return runCliStep(deps.runner, prepare(input), ctx).then(({ run: _run, ...outcome }) => outcome);
    },
  };
  // For main's "Check state" after an interruption (`Runbook.checkState`, not in this branch's interface yet).
  return Object.assign(runbook, { checkState: (_step: unknown, input: AuroraInput) => Promise.resolve(checkAuroraState(input)) });
}

/** What to look at before running an interrupted aurora command again (sabesp has no request id to look up). */
export function checkAuroraState(input: AuroraInput): StepOutcome {
  if (input.verb === 'list' || input.verb === 'status') return { ok: true, summary: 'This command only reads; running it again changes nothing.' };
  return { ok: true, summary: `\`sabesp\` may or may not have ${input.verb === 'kill' ? 'killed' : 'created'} \`${input.job}\`. Look with \`/runbook aurora status ${input.job}\` before running it again.` };
}
