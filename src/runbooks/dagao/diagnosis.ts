import type { AirflowActions, DagRun, TaskLog } from '../../actions/airflow/airflow-actions';
import type { GoCdActions, GoCdRun } from '../../actions/gocd/gocd-actions';
import { BackendError } from '../../actions/http/errors';
import type { StepFile, StepOutcome } from '../../operations/runbook';
import type { PreviewLine } from '../../operations/types';
import { backendErrorPlain } from '../backend-text';

export interface DiagnosisDeps {
  airflow: AirflowActions;
  gocd?: GoCdActions;
  dagId: string;
  /** GoCD pipelines whose deploys can break the dagão. */
  pipelines: string[];
  now: () => Date;
}

export type Verdict = 'generic' | 'specific' | 'unknown';

// The runbook: "lots of generic errors (reading non-existent files, network errors, etc)".
const GENERIC_ERRORS: [RegExp, string][] = [
  [/file ?not ?found|no such file|path does not exist|does not exist: s3|nosuchkey/i, 'file not found'],
  [/connection reset|econnreset|broken pipe/i, 'connection reset'],
  [/connection refused|econnrefused/i, 'connection refused'],
  [/timed? ?out|timeout ?exception|sockettimeout/i, 'timeout'],
  [/unknownhost|name or service not known|temporary failure in name resolution/i, 'DNS failure'],
  [/executorlost|lost executor|container killed|slave lost|agent lost/i, 'lost machine'],
];

/** Which generic error families a log shows (empty when none). */
export function genericErrorsIn(log: string): string[] {
  return GENERIC_ERRORS.filter(([re]) => re.test(log)).map(([, name]) => name);
}

/** Generic when every failed task's log shows a generic error; specific when one shows none; unknown without logs. */
export function classifyFailure(logs: readonly Pick<TaskLog, 'excerpt'>[]): { verdict: Verdict; seen: string[] } {
  if (logs.length === 0) return { verdict: 'unknown', seen: [] };
  const perLog = logs.map((l) => genericErrorsIn(l.excerpt));
  const seen = [...new Set(perLog.flat())];
  return { verdict: perLog.every((s) => s.length > 0) ? 'generic' : 'specific', seen };
}

const MAX_LOGS = 3;
const SHOWN_LOG_CHARS = 500;

/** `2026-11-24 03:10 UTC` */
export function shortTime(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'unknown time';
}

function hoursBefore(at: string | undefined, ref: Date): string {
  if (!at) return '';
  const h = (ref.getTime() - Date.parse(at)) / 3_600_000;
  return h >= 0 ? ` (${h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`} before the failure)` : ' (after the failure)';
}

function deployLine(r: GoCdRun, failedAt: Date): string {
  const commit = r.commit
    ? ` ${r.commit.revision.slice(0, 7)}${r.commit.author ? ` by ${r.commit.author.replace(/\s*<[^>]*>/, '')}` : ''}${r.commit.message ? `: ${r.commit.message.split('\n')[0]!.slice(0, 80)}` : ''}`
    : '';
  return `${r.pipeline} #${r.counter} ${r.state}, ${shortTime(r.scheduledAt)}${hoursBefore(r.scheduledAt, failedAt)}${commit}`;
}

async function recentDeploys(deps: DiagnosisDeps, failedAt: Date, signal: AbortSignal): Promise<{ line: PreviewLine; suspect?: GoCdRun }> {
  if (!deps.gocd) return { line: { label: 'Recent deploys', value: 'not checked: GOCD_URL is not configured' } };
  try {
    const runs = await deps.gocd.runsSince(deps.pipelines, new Date(failedAt.getTime() - 24 * 3_600_000), signal);
    const suspect = runs.find((r) => r.state === 'passed' && r.scheduledAt !== undefined && Date.parse(r.scheduledAt) <= failedAt.getTime());
    const value =
      runs.length > 0
        ? runs
            .slice(0, 8)
            .map((r) => deployLine(r, failedAt))
            .join('\n')
        : `none in the 24 h before the failure (${deps.pipelines.join(', ')})`;
    return { line: { label: `Deploys in the 24 h before the failure (${deps.pipelines.join(', ')})`, value, code: runs.length > 0 }, suspect };
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return { line: { label: 'Recent deploys', value: backendErrorPlain('could not be read', err) } };
  }
}

const VERDICT_WORDS: Record<Verdict, string> = {
  generic: "generic errors: the recovery ladder (cycle machines, retry, scale, retry, rollback) is the runbook's answer.",
  specific: 'specific errors: look at the failing code and the deploys above first; the ladder may not help.',
  unknown: 'no task log to judge from: look at the run in Airflow.',
};

async function findRun(deps: DiagnosisDeps, runId: string | undefined, signal: AbortSignal): Promise<DagRun | undefined> {
  if (runId) return deps.airflow.getDagRun(deps.dagId, runId, signal);
  return (await deps.airflow.listDagRuns(deps.dagId, { limit: 1 }, signal))[0];
}

/** Read-only diagnosis: the run and its failed tasks with log excerpts, deploys before the failure, and a verdict. */
export async function diagnose(deps: DiagnosisDeps, runId: string | undefined, signal: AbortSignal): Promise<StepOutcome> {
  try {
    const run = await findRun(deps, runId, signal);
    if (!run) return { ok: true, summary: `Airflow has no run of the DAG \`${deps.dagId}\`: nothing to recover.`, externalIds: { dagRunState: 'none' } };
    const runLine: PreviewLine = {
      label: 'Run',
      value: `${run.dagRunId}: ${run.state} (started ${shortTime(run.startDate ?? run.executionDate ?? run.runAfter)}${run.endDate ? `, ended ${shortTime(run.endDate)}` : ''})`,
    };
    const ids = { dagRunId: run.dagRunId, dagRunState: run.state };
    if (run.state !== 'failed') {
      return {
        ok: true,
        summary: `The ${runId ? '' : 'latest '}run of \`${deps.dagId}\` is ${run.state}: nothing failed, so no recovery is offered.`,
        details: [runLine],
        externalIds: ids,
      };
    }
    const failed = await deps.airflow.listTaskInstances(deps.dagId, run.dagRunId, { states: ['failed'] }, signal);
    const logs: (TaskLog & { unavailable?: true })[] = [];
    for (const t of failed.slice(0, MAX_LOGS)) {
      try {
        logs.push(await deps.airflow.getTaskLog(deps.dagId, run.dagRunId, t.taskId, Math.max(1, t.tryNumber), { maxChars: 4000 }, signal));
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
        logs.push({ taskId: t.taskId, tryNumber: t.tryNumber, excerpt: `(${backendErrorPlain('log unavailable', err)})`, truncated: false, unavailable: true });
      }
    }
    // An error reading a log is shown, but never judged as if it were the log.
    const { verdict, seen } = classifyFailure(logs.filter((l) => !l.unavailable));
    const failedAt = new Date(run.endDate ?? run.startDate ?? deps.now().toISOString());
    const deploys = await recentDeploys(deps, failedAt, signal);
    const details: PreviewLine[] = [
      runLine,
      { label: 'Failed tasks', value: failed.length > 0 ? failed.map((t) => `${t.taskId} (try ${t.tryNumber})`).join(', ') : 'none reported by Airflow' },
      ...logs.map((l) => ({ label: `End of ${l.taskId}'s log`, value: l.excerpt.slice(-SHOWN_LOG_CHARS), code: true })),
      { label: 'Verdict', value: `${seen.length > 0 ? `${seen.join(', ')}; ` : ''}${VERDICT_WORDS[verdict]}` },
      deploys.line,
    ];
    const files: StepFile[] =
      logs.length > 0
        ? [
            {
              filename: `${deps.dagId}-failed-task-logs.txt`,
              title: `Failed task logs of ${run.dagRunId}`,
              content: Buffer.from(
                logs.map((l) => `===== ${l.taskId} (try ${l.tryNumber})${l.truncated ? ', end of the log' : ''}\n${l.excerpt}\n`).join('\n'),
              ),
            },
          ]
        : [];
    const names = failed.map((t) => t.taskId);
    return {
      ok: true,
      summary: `Run ${run.dagRunId} failed${names.length > 0 ? ` at ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}` : ''}: ${verdict === 'unknown' ? 'no log to judge from' : `the errors look ${verdict}`}.`,
      details,
      files: files.length > 0 ? files : undefined,
      externalIds: {
        ...ids,
        verdict,
        failedAt: failedAt.toISOString(),
        ...(deploys.suspect ? { suspectDeploy: `${deploys.suspect.pipeline}#${deploys.suspect.counter}` } : {}),
      },
    };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, summary: backendErrorPlain('Could not read the dagão from Airflow', err) };
    throw err;
  }
}
