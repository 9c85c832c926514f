import type { AirflowActions, TaskInstance } from '../../actions/airflow/airflow-actions';
import type { CliAllowList } from '../../actions/cli/allow-list';
import type { CliRunner } from '../../actions/cli/runner';
import type { GoCdActions } from '../../actions/gocd/gocd-actions';
import { BackendError } from '../../actions/http/errors';
import type { Alarm } from '../../alarms/types';
import { UserFacingError, type Runbook, type RunbookRegistry, type StepOutcome, type StepRunContext } from '../../operations/runbook';
import type { PreviewLine } from '../../operations/types';
import { formatDuration } from '../../util/duration';
import { runCliStep } from '../cli-step';
import { stepKind, type AnyStepKind } from '../../operations/step-kinds';
import { checkRetry, rollbackRung } from './rungs';
import { CheckParams, CycleParams, DiagnoseParams, RetryParams, RollbackParams, ScaleParams, TransactionParams } from './step-params';
import { checkRetryState, cycleCheck, readOnlyCheck, scaleCheck } from './check-state';
import { diagnose, shortTime } from './diagnosis';
import { defineRunbook, type RunbookHooks } from '../define';
import { DagaoArgs, DagaoInput, dagaoInputOf, DEFAULT_NODES, txOrigin } from './input';
import { buildLadderPlan, ladderState, type LadderDeps } from './ladder';
import { findTransaction, type ChannelHistory } from './transaction';
import { knownRuns, watchNewRun } from './watch';
import { UUID_PATTERN } from '../../actions/cli/commands';
import { dagaoTarget } from '../history/targets';
import { backendErrorPlain } from '../backend-text';

export interface DagaoDeps {
  airflow?: AirflowActions;
  gocd?: GoCdActions;
  history: ChannelHistory;
  allowList: CliAllowList;
  runner: CliRunner;
  dagId: string;
  /** GoCD pipelines whose deploys can break the dagão. */
  pipelines: string[];
  /** The registry this runbook lives in, to hand over to `rollback` when it exists. */
  runbooks: () => RunbookRegistry;
  /** How often Airflow is polled while a retried run is watched (default 30 s). */
  pollMs?: number;
  /** How long a retried run may take to appear in Airflow (default 15 min). */
  appearWithinMs?: number;
  now?: () => Date;
}

const HISTORY_LIMIT = 100;
// A dagão run takes hours; the watch after a retry must not be cut short by the engine's default timeout.
const STEP_TIMEOUT_MS = 14 * 3_600_000;

/** "Basic steps to handling Airflow DAG errors": diagnosis, transaction, and the recovery ladder. */
export const dagao = defineRunbook({
  name: 'dagao',
  title: 'Dagão recovery',
  requires: ['airflow', 'cli', 'channelHistory', 'dagaoSettings'],
  args: DagaoArgs,
  input: DagaoInput,
  toInput: dagaoInputOf,
  // The alarm is claimed even without Airflow, so the thread says what to configure.
  pure: (a) => (a.dagaoSettings ? { fromAlarm: (alarm: Alarm) => dagaoFromAlarm(a.dagaoSettings!.dagId, alarm) } : {}),
  create: (a) =>
    dagaoHooks({
      ...a.dagaoSettings,
      airflow: a.airflow,
      gocd: a.gocd,
      history: a.channelHistory,
      allowList: a.cli.allowList,
      runner: a.cli.runner,
      runbooks: a.runbooks ?? (() => new Map()),
    }),
});

/** Parses `dagao <start> [<nodes>] [--tx <uuid>] [--nodes <n>]` (the generated parser). */
export const parseDagao = dagao.parse;

/** The dagão runbook on these dependencies (no Airflow: listed, refusing with the "not configured" text). */
export function dagaoRunbook(deps: DagaoDeps): Runbook<DagaoInput> {
  const { airflow, gocd, history, allowList, runner, runbooks, ...settings } = deps;
  return dagao.create({ airflow, gocd, channelHistory: history, cli: { allowList, runner }, dagaoSettings: settings, runbooks });
}

function dagaoFromAlarm(dagId: string, alarm: Alarm): DagaoInput | undefined {
  if (alarm.kind !== 'airflow-task-failure' || alarm.dagId !== dagId || alarm.state !== 'ALARM') return undefined;
  const tx = alarm.transactionId && UUID_PATTERN.test(alarm.transactionId) ? alarm.transactionId.toLowerCase() : undefined;
  const runId = alarm.runId && alarm.runId.length <= 250 ? alarm.runId : undefined;
  return { from: 'status', nodes: DEFAULT_NODES, ...(tx ? { tx, txSource: 'alarm' as const } : {}), ...(runId ? { runId } : {}) };
}

function dagaoHooks(deps: DagaoDeps): RunbookHooks<DagaoInput> {
  const airflowOrRefuse = (): AirflowActions => {
    if (!deps.airflow)
      throw new UserFacingError('Dagão recovery is disabled: `AIRFLOW_URL` is not configured. Ask whoever runs the bot to set it.', 'not_configured');
    return deps.airflow;
  };
  const ladderDeps = (airflow: AirflowActions): LadderDeps => ({
    allowList: deps.allowList,
    runner: deps.runner,
    dagId: deps.dagId,
    pipelines: deps.pipelines,
    airflowUrl: airflow.baseUrl,
    rollbackAvailable: deps.runbooks().has('rollback'),
  });

  return {
    targetOf: dagaoTarget(deps.dagId),
    stepTimeoutMs: STEP_TIMEOUT_MS,
    // Only input and earlier results shape the plan (no lookups), so a rebuilt plan changes only when they do.
    buildPlan: (input, ctx) => new Promise((resolve) => resolve(buildLadderPlan(input, ctx.results, ladderDeps(airflowOrRefuse())))),
    steps: dagaoSteps(deps, airflowOrRefuse),
  };
}

/**
 * The kinds of the dagão's steps. The CLI rungs were all stored as `cli` before each had its own kind: their
 * `command` parameter tells which one an old step is.
 */
function dagaoSteps(deps: DagaoDeps, airflowOrRefuse: () => AirflowActions): AnyStepKind[] {
  const now = deps.now ?? (() => new Date());
  const cli = (name: string, values: Record<string, string>, ctx: StepRunContext) =>
    runCliStep(deps.runner, deps.allowList.prepare(name, values), ctx).then(({ run: _r, ...o }) => o);
  return [
    stepKind({
      kind: 'dagao.diagnose',
      aliases: ['diagnose'],
      params: DiagnoseParams,
      run: (p, _input: DagaoInput, ctx) =>
        diagnose({ airflow: airflowOrRefuse(), gocd: deps.gocd, dagId: deps.dagId, pipelines: deps.pipelines, now }, p.runId ?? undefined, ctx.signal),
      checkState: readOnlyCheck,
    }),
    stepKind({
      kind: 'dagao.transaction',
      aliases: ['transaction'],
      params: TransactionParams,
      run: (p, input: DagaoInput, ctx) => findTx(deps, p.tx, input, ctx),
      checkState: readOnlyCheck,
    }),
    stepKind({
      kind: 'cli.cycle-machines',
      aliases: ['cli'],
      params: CycleParams,
      run: (_p, _input: DagaoInput, ctx) => cli('cycle-machines', {}, ctx),
      checkState: cycleCheck,
    }),
    stepKind({
      kind: 'cli.dagao-retry',
      aliases: ['cli'],
      params: RetryParams,
      run: (p, _input: DagaoInput, ctx) => retry(deps, airflowOrRefuse(), p.transaction, ctx),
      checkState: (_p, _input, ctx) => checkRetryState(deps.airflow, deps.dagId, ctx),
    }),
    stepKind({
      kind: 'cli.scale-cluster',
      aliases: ['cli'],
      params: ScaleParams,
      run: (p, _input: DagaoInput, ctx) => cli('scale-cluster', { nodes: p.nodes, version: p.version }, ctx),
      checkState: scaleCheck,
    }),
    stepKind({
      kind: 'dagao.check',
      aliases: ['check'],
      params: CheckParams,
      run: (p, input: DagaoInput, ctx) => Promise.resolve(checkRetry(p.retry, input, ctx)),
      checkState: readOnlyCheck,
    }),
    stepKind({
      kind: 'dagao.rollback',
      aliases: ['rollback'],
      params: RollbackParams,
      run: (p, input: DagaoInput, ctx) => Promise.resolve(rollbackRung(deps, p.suspect, input, ctx)),
      checkState: readOnlyCheck,
    }),
  ];
}

async function findTx(deps: DagaoDeps, tx: string | null, input: DagaoInput, ctx: StepRunContext): Promise<StepOutcome> {
  const { runFailed } = ladderState(input, ctx.operation.results);
  if (tx) return { ok: true, summary: `Using transaction ${tx} (${txOrigin(input)}).`, externalIds: { transactionId: tx } };
  const retryWith = '`/runbook dagao status --tx <transaction-id>`';
  let found: { tx: string; ts: string } | undefined;
  try {
    found = findTransaction(await deps.history.recentMessages(ctx.operation.location.channel, HISTORY_LIMIT, ctx.signal));
  } catch (err) {
    const why = `Could not read this channel's recent messages (${(err as Error).message}).`;
    return runFailed
      ? { ok: false, summary: `${why} Start again with ${retryWith}.` }
      : { ok: true, summary: `${why} No failed run, so no transaction is needed.` };
  }
  if (found)
    return {
      ok: true,
      summary: `Found transaction ${found.tx} in this channel's message of ${shortTime(new Date(Number(found.ts) * 1000).toISOString())}. If it is not the failed run's, start again with ${retryWith}.`,
      externalIds: { transactionId: found.tx },
    };
  if (!runFailed) return { ok: true, summary: 'No failed run, so no transaction is needed; none was found in this channel either.' };
  return {
    ok: false,
    summary: `None of the last ${HISTORY_LIMIT} messages in this channel names a transaction id, and the retry needs it. Find it (the nightly run's start post, or Sonar) and start again with ${retryWith}.`,
  };
}

async function retry(deps: DagaoDeps, airflow: AirflowActions, tx: string | null, ctx: StepRunContext): Promise<StepOutcome> {
  if (!tx) return { ok: false, summary: 'The transaction id is not known, so the dagão cannot be retried. Start again with `--tx <transaction-id>`.' };
  try {
    const before = await knownRuns(airflow, deps.dagId, ctx.signal);
    const active = before.find((r) => r.state === 'running' || r.state === 'queued');
    if (active) {
      return {
        ok: false,
        summary: `A run of ${deps.dagId} is already ${active.state} (${active.dagRunId}), so no second one was started. Wait for it, or kill it with \`/runbook aurora kill dagao\` and retry.`,
      };
    }
    const submitted = await runCliStep(deps.runner, deps.allowList.prepare('dagao-retry', { transaction: tx }), ctx);
    const { run: _run, ...cli } = submitted;
    if (!cli.ok) return cli;
    const watched = await watchNewRun(airflow, deps.dagId, new Set(before.map((r) => r.dagRunId)), {
      signal: ctx.signal,
      pollMs: deps.pollMs ?? 30_000,
      appearWithinMs: deps.appearWithinMs ?? 15 * 60_000,
      progress: (text) => ctx.progress(text),
      recordExternalId: (key, value) => ctx.recordExternalId(key, value),
    });
    if (watched.kind === 'never_appeared') {
      return {
        ...cli,
        ok: false,
        summary: `\`sabesp\` exited with code 0, but no new run of ${deps.dagId} appeared in Airflow within ${formatDuration(deps.appearWithinMs ?? 15 * 60_000)}. Check the job with \`/runbook aurora status dagao\`.`,
      };
    }
    const { run } = watched;
    const failedTasks = watched.failedTasks.map((t) => t.taskId);
    const ids = { dagRunId: run.dagRunId, dagRunState: run.state };
    const runLine = { label: 'New run', value: `${run.dagRunId}: ${run.state}${failedTasks.length > 0 ? ` (failed: ${failedTasks.join(', ')})` : ''}` };
    const newFailure = await firstFailureLog(airflow, deps.dagId, watched.failedTasks, ctx.signal);
    if (run.state === 'success')
      return {
        ...cli,
        summary: `${ctx.step.title.replace(/^Retry/, 'Retried')}: the new run ${run.dagRunId} succeeded.`,
        details: [...(cli.details ?? []), runLine],
        externalIds: ids,
      };
    return {
      ...cli,
      summary: `The retry ran, but the new run ${run.dagRunId} failed${failedTasks.length > 0 ? ` at ${failedTasks.slice(0, 3).join(', ')}` : ''}. The next rung is offered below.`,
      details: [...(cli.details ?? []), runLine, ...newFailure],
      externalIds: ids,
    };
  } catch (err) {
    if (err instanceof BackendError)
      return { ok: false, summary: `${backendErrorPlain('Lost track of the dagão in Airflow', err)} Check the run in Airflow before doing anything else.` };
    throw err;
  }
}

/** The end of the first failed task's log of the retried run: the new failure, next to the old one. */
async function firstFailureLog(airflow: AirflowActions, dagId: string, failed: readonly TaskInstance[], signal: AbortSignal): Promise<PreviewLine[]> {
  const first = failed[0];
  if (!first) return [];
  try {
    const log = await airflow.getTaskLog(dagId, first.dagRunId, first.taskId, Math.max(1, first.tryNumber), { maxChars: 4000 }, signal);
    return [{ label: `End of ${first.taskId}'s log`, value: log.excerpt.slice(-500), code: true }];
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return [{ label: `${first.taskId}'s log`, value: backendErrorPlain('unavailable', err) }];
  }
}
