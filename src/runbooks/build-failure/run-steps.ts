import { BackendError } from '../../actions/http/errors';
import type { StepOutcome, StepRunContext } from '../../operations/runbook';
import type { Step } from '../../operations/types';
import { runBypass } from './bypass';
import { editNote, computeEdit, STEP } from './plan';
import type { BuildFailureInput } from './input';
import type { BuildFailureDeps } from './lookup';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

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

async function lookup(deps: BuildFailureDeps, step: Step, ctx: StepRunContext): Promise<StepOutcome> {
  const { verdict, target, dagRunId, dagId, failedTask } = step.action.params;
  const externalIds: Record<string, string> = {};
  // Stored so that later re-plans keep handling the same failure in the same run, whatever Airflow says by then.
  if (typeof target === 'string') externalIds.target = target;
  if (typeof dagRunId === 'string') externalIds.airflowDagRunId = dagRunId;
  const details = [...step.preview];
  // The end of the failed task's log helps whoever decides whether it is critical; fetched once, here, not at every re-plan.
  const task = failedTask as { taskId?: unknown; tryNumber?: unknown } | undefined;
  if (deps.airflow && typeof dagId === 'string' && typeof dagRunId === 'string' && typeof task?.taskId === 'string' && typeof task.tryNumber === 'number') {
    try {
      const log = await deps.airflow.getTaskLog(dagId, dagRunId, task.taskId, task.tryNumber, { maxChars: LOG_CHARS }, ctx.signal);
      details.push({ label: `End of the ${task.taskId} log (try ${task.tryNumber})`, value: `${log.truncated ? '…' : ''}${log.excerpt}`, code: true });
    } catch (err) {
      if (!(err instanceof BackendError)) throw err;
      details.push({ label: `${task.taskId} log`, value: `not available: ${err.message}` });
    }
  }
  return { ok: true, summary: str(verdict), details, externalIds };
}

function confirmation(step: Step, ctx: StepRunContext): StepOutcome {
  const who = ctx.operation.approvals.filter((a) => a.stepId === step.id).map((a) => a.userId);
  return { ok: true, summary: `Confirmed not business critical (by ${who.join(', ') || 'nobody?'}): the bypass may go ahead.`, details: [{ label: 'Dataset', value: str(step.action.params.dataset) }] };
}

async function pullRequest(deps: BuildFailureDeps, step: Step, input: BuildFailureInput, ctx: StepRunContext): Promise<StepOutcome> {
  const github = deps.github;
  if (!github) return { ok: false, summary: 'GitHub is not configured (`GITHUB_TOKEN`).' };
  const p = step.action.params;
  const [repo, path, base, branch, fileSha, title] = [p.repo, p.path, p.base, p.branch, p.fileSha, p.title].map(str) as [string, string, string, string, string, string];
  // Re-validated: step params come back from the store.
  const kind = p.failed === 'dataset' || p.failed === 'model' ? p.failed : undefined;
  const group = { base: str(p.name) };
  if (!kind || !/^[a-z0-9][a-z0-9._-]*$/.test(group.base)) return { ok: false, summary: 'The plan does not say which dataset or model to disable; start a new request.' };
  try {
    const file = await github.getFile(repo, path, base, ctx.signal);
    if (file.sha !== fileSha) return { ok: false, summary: `${path} changed in ${repo} since the preview. Nothing was changed; start a new request to see the new diff.` };
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
    await github.updateFile(repo, { path, branch, content: edit.edit.content, sha: file.sha, message: `${title}\n\n${editNote(input.transactionId)}` }, ctx.signal);
    const body = [
      `The nightly run's transaction \`${input.transactionId}\` failed building ${kind} \`${group.base}\`.`,
      kind === 'dataset' ? 'This comments the dataset out of itaipu so the next runs are not blocked.' : "This removes the model from the DAG so tomorrow's run is not blocked.",
      'The owner can fix it and revert this change when they get a chance.',
      '',
      `Slack thread: ${threadLink(ctx)}`,
      `Opened by runbook-bot (operation \`${ctx.operation.id}\`, requested by ${ctx.operation.requester}).`,
    ].join('\n');
    const pr = await github.createPullRequest(repo, { title, head: branch, base, body }, ctx.signal);
    return { ok: true, summary: `Opened ${pr.url}`, details: [{ label: 'Pull request', value: pr.url }, { label: 'Diff', value: edit.edit.diff, code: true }], externalIds: { pullRequest: pr.url } };
  } catch (err) {
    return failure(err);
  }
}

/** Runs one approved (or read-only) step of the build-failure plan. */
export async function runBuildFailureStep(deps: BuildFailureDeps, step: Step, input: BuildFailureInput, ctx: StepRunContext): Promise<StepOutcome> {
  switch (step.id) {
    case STEP.lookup:
      return lookup(deps, step, ctx);
    case STEP.confirm:
      return confirmation(step, ctx);
    case STEP.pr:
      return pullRequest(deps, step, input, ctx);
    case STEP.airflow:
      return runBypass(deps.airflow, step, ctx);
    case STEP.remind:
      return { ok: true, summary: str(step.action.params.text) };
    default:
      return { ok: false, summary: `Unknown step ${step.id}.` };
  }
}
