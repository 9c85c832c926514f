import { z } from 'zod';
import { BackendError } from '../../actions/http/errors';
import type { StepOutcome, StepRunContext } from '../../operations/runbook';
import { runStepOf, stepKind, type AnyStepKind } from '../../operations/step-kinds';
import type { Step } from '../../operations/types';
import { BypassParams, runBypass } from './bypass';
import { editNote, computeEdit } from './plan';
import type { BuildFailureInput } from './input';
import type { BuildFailureDeps } from './lookup';
import { backendErrorPlain } from '../backend-text';

const LookupParams = z.object({
  verdict: z.string(),
  target: z.string().optional(),
  dagRunId: z.string().optional(),
  dagId: z.string().optional(),
  failedTask: z.object({ taskId: z.string(), tryNumber: z.number().int().min(1) }).optional(),
});
const ConfirmParams = z.object({ dataset: z.string() });
const PullRequestParams = z.object({
  failed: z.enum(['dataset', 'model']),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  repo: z.string().min(1),
  path: z.string().min(1),
  base: z.string().min(1),
  branch: z.string().min(1),
  fileSha: z.string().min(1),
  title: z.string().min(1),
});
type PullRequestParams = z.infer<typeof PullRequestParams>;

/** A link to the operation's Slack thread (Slack redirects archive links to the workspace). */
function threadLink(ctx: StepRunContext): string {
  const { channel, threadTs, messageTs } = ctx.operation.location;
  const ts = threadTs ?? messageTs;
  return ts ? `https://slack.com/archives/${channel}/p${ts.replace('.', '')}` : `channel ${channel}`;
}

function failure(err: unknown): StepOutcome {
  if (!(err instanceof BackendError)) throw err;
  return { ok: false, summary: err.message, details: err.status !== undefined ? [{ label: 'Status', value: String(err.status) }] : [] };
}

const LOG_CHARS = 1500;

async function lookup(deps: BuildFailureDeps, params: z.infer<typeof LookupParams>, step: Step, ctx: StepRunContext): Promise<StepOutcome> {
  const { verdict, target, dagRunId, dagId, failedTask: task } = params;
  const externalIds: Record<string, string> = {};
  // Stored so that later re-plans keep handling the same failure in the same run, whatever Airflow says by then.
  if (target !== undefined) externalIds.target = target;
  if (dagRunId !== undefined) externalIds.airflowDagRunId = dagRunId;
  const details = [...step.preview];
  // The end of the failed task's log helps whoever decides whether it is critical; fetched once, here, not at every re-plan.
  if (deps.airflow && dagId !== undefined && dagRunId !== undefined && task !== undefined) {
    try {
      const log = await deps.airflow.getTaskLog(dagId, dagRunId, task.taskId, task.tryNumber, { maxChars: LOG_CHARS }, ctx.signal);
      details.push({ label: `End of the ${task.taskId} log (try ${task.tryNumber})`, value: `${log.truncated ? '…' : ''}${log.excerpt}`, code: true });
    } catch (err) {
      if (!(err instanceof BackendError)) throw err;
      details.push({ label: `${task.taskId} log`, value: backendErrorPlain('not available', err) });
    }
  }
  return { ok: true, summary: verdict, details, externalIds };
}

function confirmation(dataset: string, ctx: StepRunContext): StepOutcome {
  const who = ctx.operation.approvals.filter((a) => a.stepId === ctx.step.id).map((a) => a.userId);
  return {
    ok: true,
    summary: `Confirmed not business critical (by ${who.join(', ') || 'nobody?'}): the bypass may go ahead.`,
    details: [{ label: 'Dataset', value: dataset }],
  };
}

async function pullRequest(deps: BuildFailureDeps, p: PullRequestParams, input: BuildFailureInput, ctx: StepRunContext): Promise<StepOutcome> {
  const github = deps.github;
  if (!github) return { ok: false, summary: 'GitHub is not configured (`GITHUB_TOKEN`).' };
  const { repo, path, base, branch, fileSha, title, failed: kind } = p;
  const group = { base: p.name };
  try {
    const file = await github.getFile(repo, path, base, ctx.signal);
    if (file.sha !== fileSha)
      return { ok: false, summary: `${path} changed in ${repo} since the preview. Nothing was changed; start a new request to see the new diff.` };
    const edit = await computeEdit({ base: group.base, failed: kind, names: [], modelAffected: false }, { repo, branch: base, file }, input.transactionId);
    if (!edit.ok) return { ok: false, summary: edit.reason };
    const head = await github.branchHead(repo, base, ctx.signal);
    try {
      await github.createBranch(repo, branch, head, ctx.signal);
    } catch (err) {
      // A branch left by an earlier attempt: report its pull request instead of opening a second one.
      if (!(err instanceof BackendError) || err.status !== 422) throw err;
      const open = await github.findOpenPullRequest(repo, branch, ctx.signal);
      if (open) return { ok: true, summary: `A pull request for this is already open: ${open.url}`, externalIds: { pullRequest: open.url } };
      throw err;
    }
    await ctx.recordExternalId('branch', `${repo}:${branch}`);
    await github.updateFile(
      repo,
      { path, branch, content: edit.edit.content, sha: file.sha, message: `${title}\n\n${editNote(input.transactionId)}` },
      ctx.signal,
    );
    const body = [
      `The nightly run's transaction \`${input.transactionId}\` failed building ${kind} \`${group.base}\`.`,
      kind === 'dataset'
        ? 'This comments the dataset out of itaipu so the next runs are not blocked.'
        : "This removes the model from the DAG so tomorrow's run is not blocked.",
      'The owner can fix it and revert this change when they get a chance.',
      '',
      `Slack thread: ${threadLink(ctx)}`,
      `Opened by runbook-bot (operation \`${ctx.operation.id}\`, requested by ${ctx.operation.requester}).`,
    ].join('\n');
    const pr = await github.createPullRequest(repo, { title, head: branch, base, body }, ctx.signal);
    return {
      ok: true,
      summary: `Opened ${pr.url}`,
      details: [
        { label: 'Pull request', value: pr.url },
        { label: 'Diff', value: edit.edit.diff, code: true },
      ],
      externalIds: { pullRequest: pr.url },
    };
  } catch (err) {
    return failure(err);
  }
}

/** The step kinds of the build-failure plan (plan.ts builds them; stored params are parsed before each run). */
export function buildFailureSteps(deps: BuildFailureDeps): AnyStepKind[] {
  return [
    stepKind({ kind: 'build-failure.lookup', params: LookupParams, run: (p, _input: BuildFailureInput, ctx) => lookup(deps, p, ctx.step, ctx) }),
    // Stored as the kind `confirmation` before confirmation became a gate.
    stepKind({
      kind: 'build-failure.confirm',
      aliases: ['confirmation'],
      params: ConfirmParams,
      run: (p, _input: BuildFailureInput, ctx) => Promise.resolve(confirmation(p.dataset, ctx)),
    }),
    stepKind({ kind: 'github.pull-request', params: PullRequestParams, run: (p, input: BuildFailureInput, ctx) => pullRequest(deps, p, input, ctx) }),
    // The pull request step after it ran: shown with its result, never run again.
    stepKind({
      kind: 'build-failure.done',
      params: z.object({}),
      run: () => Promise.resolve({ ok: false, summary: 'This step already ran (see this thread); it is not run again.' }),
    }),
    stepKind({ kind: 'airflow.bypass', params: BypassParams, run: (p, _input: BuildFailureInput, ctx) => runBypass(deps.airflow, p, ctx) }),
    stepKind({ kind: 'build-failure.remind', params: z.object({ text: z.string() }), run: (p) => Promise.resolve({ ok: true, summary: p.text }) }),
  ];
}

/** Runs one approved (or read-only) step of the build-failure plan through its kind. */
export function runBuildFailureStep(deps: BuildFailureDeps, step: Step, input: BuildFailureInput, ctx: StepRunContext): Promise<StepOutcome> {
  return runStepOf(
    {
      name: 'build-failure',
      title: '',
      usage: [],
      inputSchema: z.unknown(),
      parse: () => ({ ok: false, error: '' }),
      buildPlan: () => Promise.reject(new Error('not planned here')),
      steps: buildFailureSteps(deps),
    },
    step,
    input,
    ctx,
  );
}
