import type { AirflowActions, DagRun, TaskInstance } from '../../actions/airflow/airflow-actions';
import { formatDuration } from '../../util/duration';
import { escapeMrkdwn } from '../../util/text';
import { sleep } from '../../util/sleep';

export interface WatchOptions {
  signal: AbortSignal;
  pollMs: number;
  /** How long the new run may take to show up in Airflow after sabesp returned. */
  appearWithinMs: number;
  progress(text: string): void;
  recordExternalId(key: string, value: string): Promise<void>;
}

export type WatchResult = { kind: 'ended'; run: DagRun; failedTasks: TaskInstance[] } | { kind: 'never_appeared' };

/** The ids of the latest runs, so the run a retry starts can be told apart from them. */
export async function knownRuns(airflow: AirflowActions, dagId: string, signal: AbortSignal): Promise<DagRun[]> {
  return airflow.listDagRuns(dagId, { limit: 20 }, signal);
}

/** Waits for a run not in `before` to appear, then until it ends; reports its state as it goes. */
export async function watchNewRun(airflow: AirflowActions, dagId: string, before: ReadonlySet<string>, o: WatchOptions): Promise<WatchResult> {
  const started = Date.now();
  let run: DagRun | undefined;
  while (!run) {
    await sleep(o.pollMs, o.signal);
    run = (await airflow.listDagRuns(dagId, { limit: 5 }, o.signal)).find((r) => !before.has(r.dagRunId));
    if (!run && Date.now() - started > o.appearWithinMs) return { kind: 'never_appeared' };
  }
  await o.recordExternalId('dagRunId', run.dagRunId);
  let lastState = '';
  while (run.state !== 'success' && run.state !== 'failed') {
    if (run.state !== lastState) {
      lastState = run.state;
      o.progress(`new run \`${escapeMrkdwn(run.dagRunId)}\` is ${run.state} (watching for ${formatDuration(Date.now() - started)})`);
    }
    await sleep(o.pollMs, o.signal);
    run = await airflow.getDagRun(dagId, run.dagRunId, o.signal);
  }
  const failedTasks = run.state === 'failed' ? await airflow.listTaskInstances(dagId, run.dagRunId, { states: ['failed'] }, o.signal) : [];
  return { kind: 'ended', run, failedTasks };
}
