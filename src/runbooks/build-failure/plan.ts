import type { TaskInstanceRef } from '../../actions/airflow/airflow-actions';
import { BackendError } from '../../actions/http/errors';
import { makePlan } from '../../operations/fingerprint';
import { confirmationGate } from '../../operations/gates';
import type { Plan, PreviewLine, Step, StepResult } from '../../operations/types';
import { datasetTaskId, describeGroup, modelTaskId, type FailureGroup } from './classify';
import type { BuildFailureInput } from './input';
import { readItaipu, type BuildFailureDeps, type Findings, type RepoSource } from './lookup';
import { commentOutDataset, removeModel, type EditResult } from './source-edits';
import { asUserFacing } from '../backend-text';

export const STEP = { lookup: 'lookup', confirm: 'confirm-non-critical', pr: 'pull-request', airflow: 'airflow', remind: 'remind-deploy' } as const;

const short = (tx: string): string => tx.slice(0, 8);
export const branchName = (group: FailureGroup, tx: string): string => `runbook-bot/disable-${group.failed}-${group.base}-${short(tx)}`;
export const editNote = (tx: string): string => `disabled by runbook-bot: failed in transaction ${tx}`;

/** The edit of the pull request: comment the dataset out of itaipu, or remove the model from the DAG. */
export function computeEdit(group: FailureGroup, source: RepoSource, tx: string): Promise<EditResult> {
  return group.failed === 'dataset'
    ? commentOutDataset(source.file.content, group.base, source.file.path, editNote(tx))
    : removeModel(source.file.content, group.base, source.file.path);
}

/** The task that failed (not upstream_failed) for the chosen target, whose log the lookup shows. */
function failedTaskOf(f: Findings): { taskId: string; tryNumber: number } | undefined {
  if (f.target.kind !== 'one') return undefined;
  const ids = [datasetTaskId(f.target.group.base), modelTaskId(f.target.group.base)];
  const task = f.failedTasks.find((t) => t.state === 'failed' && ids.includes(t.taskId));
  return task ? { taskId: task.taskId, tryNumber: Math.max(1, task.tryNumber) } : undefined;
}

function lookupStep(input: BuildFailureInput, f: Findings, verdict: string): Step {
  const c = f.classification;
  const grouped = c.groups.map((g) => `${c.likely.includes(g.base) ? '* ' : '  '}${g.base}: ${g.names.join(', ')}`);
  const preview: PreviewLine[] = [
    { label: 'Uncommitted in Sonar', value: [...grouped, ...c.other.map((n) => `  ${n} (not a dataset or model)`)].join('\n') || '(none)', code: true },
  ];
  if (c.inProgress)
    preview.push({
      label: 'Run',
      value: `still in progress (${c.groups.length} dataset/model group${c.groups.length === 1 ? '' : 's'} not committed yet)${c.likely.length > 0 ? `; likely failures, from Airflow's failed tasks, are marked *: ${c.likely.join(', ')}` : ''}`,
    });
  if (f.run) preview.push({ label: 'Airflow run', value: `${f.run.dagId} / ${f.run.dagRunId} (${f.run.state})` });
  if (f.runNote) preview.push({ label: 'Airflow', value: f.runNote });
  if (f.failedTasks.length > 0) preview.push({ label: 'Failed tasks', value: f.failedTasks.map((t) => `${t.taskId} (${t.state ?? 'none'})`).join(', ') });
  preview.push({
    label: 'Policy models',
    value: f.policy ? `${f.policy.models.join(', ') || '(none)'} (from ${f.policy.source})` : (f.policyNote ?? 'unknown'),
  });
  preview.push({ label: 'Verdict', value: verdict });
  const target = f.target.kind === 'one' ? f.target.group.base : undefined;
  return {
    id: STEP.lookup,
    title: `Look up transaction \`${input.transactionId}\``,
    risk: 'read-only',
    preview,
    explanation:
      'Sonar\'s uncommitted datasets and models of the transaction, grouped by name, and Airflow\'s failed tasks (runbook: "Determining if it was the dataset or model that failed").',
    verification: 'Read-only; the findings are posted in this thread.',
    action: { kind: 'build-failure.lookup', params: { verdict, target, dagRunId: f.run?.dagRunId, dagId: f.run?.dagId, failedTask: failedTaskOf(f) } },
  };
}

function confirmStep(group: FailureGroup): Step {
  return {
    id: STEP.confirm,
    title: `Confirm that dataset \`${group.base}\` is not business critical`,
    risk: 'mutating',
    explanation:
      'Nothing is changed by this step. The runbook says to ask whether a failing dataset is critical: someone who knows (its owner or squad) confirms it is not, and only then is the bypass offered. If it is critical, press Cancel and fix the root cause now.',
    preview: [
      { label: 'Question', value: `Is the dataset ${group.base} business critical?${group.modelAffected ? ` Its model ${group.base} failed with it.` : ''}` },
      { label: 'Owner', value: 'unknown to the bot: ask the squad that owns the dataset' },
    ],
    verification: 'Who confirmed, and when, is recorded in the audit trail.',
    action: { kind: 'build-failure.confirm', params: { dataset: group.base } },
    gate: confirmationGate('Not business critical', `Is the dataset ${group.base} business critical?`),
  };
}

function prStep(group: FailureGroup, source: RepoSource, tx: string, edit: Extract<EditResult, { ok: true }>['edit']): Step {
  const dataset = group.failed === 'dataset';
  const title = dataset ? `Comment out dataset ${group.base} in itaipu` : `Remove model ${group.base} from the DAG`;
  return {
    id: STEP.pr,
    title: dataset
      ? `Open a pull request commenting out dataset \`${group.base}\` in ${source.repo}`
      : `Open a pull request removing model \`${group.base}\` from ${source.repo}`,
    risk: 'mutating',
    explanation: dataset
      ? 'Stops the dataset from failing in the next runs; its owner fixes it and reverts this when they get a chance (runbook: "Dealing with dataset failures").'
      : 'Removes the model from tomorrow\'s run so it stops blocking other models; its owner fixes it without time pressure (runbook: "Dealing with model failures").',
    preview: [
      { label: 'Repository', value: `${source.repo} (pull request into ${source.branch})` },
      { label: 'New branch', value: branchName(group, tx) },
      { label: 'Title', value: `${title} (failed in transaction ${short(tx)})` },
      { label: 'Diff', value: edit.diff, code: true },
      { label: 'Body', value: `Links this Slack thread and transaction ${tx}.` },
    ],
    verification: 'GitHub answers with the new pull request; its link is posted in this thread.',
    action: {
      kind: 'github.pull-request',
      params: {
        failed: group.failed,
        name: group.base,
        repo: source.repo,
        path: source.file.path,
        base: source.branch,
        branch: branchName(group, tx),
        fileSha: source.file.sha,
        title: `${title} (failed in transaction ${short(tx)})`,
      },
    },
  };
}

/** The task instances of this group that block downstream: the dataset task when it failed, the model task when it failed or was taken down. */
export function tasksToMark(group: FailureGroup, f: Findings): string[] {
  const state = new Map(f.failedTasks.map((t) => [t.taskId, t.state]));
  const mark: string[] = [];
  if (group.failed === 'dataset' && state.get(datasetTaskId(group.base)) === 'failed') mark.push(datasetTaskId(group.base));
  if (state.has(modelTaskId(group.base))) mark.push(modelTaskId(group.base));
  return mark;
}

async function airflowStep(deps: BuildFailureDeps, group: FailureGroup, f: Findings): Promise<Step> {
  const airflow = deps.airflow!;
  const run = f.run!;
  const mark = tasksToMark(group, f);
  let marked: TaskInstanceRef[] = [];
  let cleared: TaskInstanceRef[] = [];
  try {
    // Airflow's own dry runs: exactly the task instances that the real calls will change.
    for (const taskId of mark)
      marked.push(...(await airflow.setTaskInstanceState(run.dagId, { dryRun: true, dagRunId: run.dagRunId, taskId, newState: 'success' })));
    if (mark.length > 0)
      cleared = await airflow.clearTaskInstances(run.dagId, { dryRun: true, dagRunId: run.dagRunId, taskIds: mark, includeDownstream: true, onlyFailed: true });
  } catch (err) {
    if (err instanceof BackendError) throw asUserFacing("Airflow's dry run failed", err);
    throw err;
  }
  marked = marked.filter((t) => mark.includes(t.taskId));
  const toClear = cleared
    .map((t) => t.taskId)
    .filter((t) => !mark.includes(t))
    .sort();
  const state = new Map(f.failedTasks.map((t) => [t.taskId, t.state]));
  const line = (t: string, to: string): string => `${t}: ${state.get(t) ?? '?'} -> ${to}`;
  return {
    id: STEP.airflow,
    title: `Let downstream jobs run today: mark \`${group.base}\` as success and clear what failed after it`,
    risk: 'mutating',
    explanation: `Downstream jobs then run when their other upstreams finish; the ${group.failed} ${group.base} shows up as empty in them (runbook: "Making downstream jobs run when an upstream job fails").`,
    preview: [
      { label: 'Airflow run', value: `${run.dagId} / ${run.dagRunId}` },
      {
        label: 'Mark success (from Airflow dry run)',
        value: marked.map((t) => line(t.taskId, 'success')).join('\n') || '(nothing: no failed task of this name)',
        code: true,
      },
      {
        label: 'Clear (from Airflow dry run)',
        value: toClear.map((t) => line(t, 'no status, runs again')).join('\n') || '(nothing downstream failed)',
        code: true,
      },
      {
        label: 'Requests (each after its dry run)',
        value: (
          airflow.bypassRequests?.(
            run.dagId,
            run.dagRunId,
            marked.map((t) => t.taskId),
          ) ?? [`POST ${airflow.apiUrl(`/dags/${run.dagId}/updateTaskInstancesState`)}`, `POST ${airflow.apiUrl(`/dags/${run.dagId}/clearTaskInstances`)}`]
        ).join('\n'),
        code: true,
      },
    ],
    verification: 'Airflow reports the marked tasks as success and the cleared tasks with no status; the new states are posted in this thread.',
    action: { kind: 'airflow.bypass', params: { dagId: run.dagId, dagRunId: run.dagRunId, mark: marked.map((t) => t.taskId), clear: toClear } },
  };
}

function remindStep(group: FailureGroup, deps: BuildFailureDeps): Step {
  const text =
    group.failed === 'model'
      ? `Once the current run finishes, deploy the DAG change to Airflow (primer: "Deploying job changes to Airflow"); removing the model only takes effect in the next run.`
      : `Once the pull request on ${deps.settings.itaipuRepo} is merged and the current run finishes, deploy the job changes to Airflow (primer: "Deploying job changes to Airflow") so the next run skips the dataset.`;
  return {
    id: STEP.remind,
    title: 'Remind: deploy the change to Airflow after the current run',
    risk: 'read-only',
    preview: [{ label: 'Reminder', value: text }],
    verification: 'Posted in this thread.',
    action: { kind: 'build-failure.remind', params: { text } },
  };
}

/** Builds the plan from the findings; steps already run stay in place so indices never shift. */
export async function buildFromFindings(deps: BuildFailureDeps, input: BuildFailureInput, f: Findings, results: StepResult[]): Promise<Plan> {
  const done = (id: string): boolean => results.some((r) => r.stepId === id);
  const tx = input.transactionId;
  const steps: Step[] = [];
  let verdict: string;
  let summary: string;
  const facts: Record<string, unknown> = { transactionId: tx, dagRunId: f.run?.dagRunId ?? null };
  const t = f.target;
  if (t.kind === 'none') {
    verdict = 'Every dataset and model of this transaction is committed: nothing failed, nothing to do.';
    summary = verdict;
  } else if (t.kind === 'unknown') {
    verdict = `\`${t.only}\` is not among the uncommitted datasets and models of this transaction.`;
    summary = verdict;
  } else if (t.kind === 'several') {
    verdict = `Several datasets or models failed (${t.bases.join(', ')}). Handle them one at a time: \`/runbook build-failure ${tx} --only <name>\`.`;
    summary = verdict;
  } else {
    const group = t.group;
    facts.target = { base: group.base, failed: group.failed };
    const critical = f.policy?.models.includes(group.base);
    facts.critical = critical ?? 'unknown';
    verdict = describeGroup(group);
    if (critical !== false) {
      verdict += critical
        ? ` \`${group.base}\` is a *policy model*: it is business critical. Fix the root cause now; the bot offers no bypass.`
        : ` ${f.policyNote ?? ''} Without the policy model list the bot offers no bypass: fix the root cause, or set \`POLICY_MODELS\`.`;
      summary = verdict;
    } else {
      summary = `${verdict} ${group.failed === 'dataset' ? 'Once someone confirms it is not business critical: a' : 'Not a policy model: a'} pull request to disable it, then let downstream jobs run today.`;
      if (group.failed === 'dataset') steps.push(confirmStep(group));
      const read = group.failed === 'dataset' ? await readItaipu(deps) : (f.dagFile ?? f.dagFileNote ?? 'GitHub is not configured (`GITHUB_TOKEN`).');
      const source = typeof read === 'string' ? undefined : read;
      const edit = source ? await computeEdit(group, source, tx) : { ok: false as const, reason: read as string };
      if (source && edit.ok) {
        steps.push(prStep(group, source, tx, edit.edit));
        facts.file = { repo: source.repo, path: source.file.path, sha: source.file.sha };
      } else if (done(STEP.pr)) {
        steps.push({
          id: STEP.pr,
          title: 'Open a pull request',
          risk: 'mutating',
          preview: [{ label: 'Done', value: 'see this thread' }],
          verification: 'Done.',
          action: { kind: 'build-failure.done', params: {} },
        });
      } else {
        verdict += ` No pull request is proposed: ${edit.ok ? '' : edit.reason}`;
      }
      if (f.run && deps.airflow) steps.push(await airflowStep(deps, group, f));
      if (steps.some((s) => s.id === STEP.pr || s.id === STEP.airflow)) steps.push(remindStep(group, deps));
    }
  }
  if (f.classification.inProgress && t.kind !== 'one') summary = `The run is still in progress. ${summary}`;
  steps.unshift(lookupStep(input, f, verdict));
  // A step that already ran keeps showing what it saw and did, not what a re-plan would do now
  // (after the bypass, Airflow has nothing failed left to preview).
  const settled = steps.map((step): Step => {
    const result = [...results].reverse().find((r) => r.stepId === step.id);
    // Long outputs (a log excerpt) stay in the thread; the plan message keeps the short ones.
    const kept = result?.details.filter((d) => d.value.length <= 800);
    return result ? { ...step, preview: [{ label: 'Result', value: result.summary }, ...(kept ?? [])] } : step;
  });
  const title =
    t.kind === 'one' ? `Build failure: ${t.group.failed} ${t.group.base} (transaction ${short(tx)})` : `Build failure lookup (transaction ${short(tx)})`;
  return makePlan({ runbook: 'build-failure', title, summary, steps: settled, facts });
}
