import type {
  AirflowActions,
  ClearTaskInstancesRequest,
  DagRun,
  ListDagRunsOptions,
  SetTaskInstanceStateRequest,
  TaskInstance,
  TaskInstanceRef,
  TaskLog,
  TaskState,
} from './airflow-actions';
import type { AirflowHttp } from './airflow-http';
import { dagPath, taskSegment, trySegment } from './airflow-http';
import {
  DagRunCollectionSchema,
  DagRunSchema,
  TaskInstanceCollectionSchema,
  TaskInstanceRefCollectionSchema,
  toDagRun,
  toRef,
  toTaskInstance,
} from './airflow-schemas';

export const PAGE = 100;
/** A runaway DAG must not make the bot page forever. */
export const MAX_PAGES = 50;
/** Logs can be huge; we read at most this much of one before keeping only its end. */
export const MAX_LOG_BYTES = 8 * 1024 * 1024;

/** The end of a log, bounded to `maxChars`. */
export function logTail(taskId: string, tryNumber: number, text: string, maxChars: number): TaskLog {
  const truncated = text.length > maxChars;
  return { taskId, tryNumber, excerpt: truncated ? text.slice(text.length - maxChars) : text, truncated };
}

/**
 * Airflow 2's stable REST API (`/api/v1`, spec airflow/api_connexion/openapi/v1.yaml), Basic auth. Each method names the
 * operationId it was checked against.
 */
export class AirflowV1Client implements AirflowActions {
  readonly baseUrl: string;
  constructor(private readonly http: AirflowHttp) {
    this.baseUrl = http.baseUrl;
  }

  apiUrl(path: string): string {
    return this.http.apiUrl(path);
  }

  apiGeneration(): Promise<1 | 2> {
    return Promise.resolve(1);
  }

  bypassRequests(dagId: string): string[] {
    return [`POST ${this.apiUrl(`${dagPath(dagId)}/updateTaskInstancesState`)}`, `POST ${this.apiUrl(`${dagPath(dagId)}/clearTaskInstances`)}`];
  }

  /** get_dag_runs: `order_by=-execution_date`, `state` repeated, `limit`. */
  async listDagRuns(dagId: string, options: ListDagRunsOptions = {}, signal?: AbortSignal): Promise<DagRun[]> {
    const query = new URLSearchParams({ order_by: '-execution_date', limit: String(Math.min(Math.max(options.limit ?? 5, 1), 100)) });
    for (const state of options.states ?? []) query.append('state', state);
    const body = await this.http.json('GET', `${dagPath(dagId)}/dagRuns?${query.toString()}`, DagRunCollectionSchema, { signal });
    return body.dag_runs.map(toDagRun);
  }

  /** get_dag_run */
  async getDagRun(dagId: string, dagRunId: string, signal?: AbortSignal): Promise<DagRun> {
    return toDagRun(await this.http.json('GET', dagPath(dagId, dagRunId), DagRunSchema, { signal }));
  }

  /** get_task_instances: `limit`/`offset` pages, `state` repeated. */
  async listTaskInstances(
    dagId: string,
    dagRunId: string,
    options: { states?: Exclude<TaskState, null>[] } = {},
    signal?: AbortSignal,
  ): Promise<TaskInstance[]> {
    const all: TaskInstance[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE), offset: String(page * PAGE) });
      for (const state of options.states ?? []) query.append('state', state);
      const body = await this.http.json('GET', `${dagPath(dagId, dagRunId, 'taskInstances')}?${query.toString()}`, TaskInstanceCollectionSchema, { signal });
      all.push(...body.task_instances.map((ti) => toTaskInstance(ti, dagRunId)));
      const total = body.total_entries ?? all.length;
      if (body.task_instances.length < PAGE || all.length >= total) break;
    }
    return all;
  }

  /** get_log with `Accept: text/plain` (v1 answers text or JSON; text keeps the end readable when the log is huge). */
  async getTaskLog(
    dagId: string,
    dagRunId: string,
    taskId: string,
    tryNumber: number,
    options: { maxChars?: number } = {},
    signal?: AbortSignal,
  ): Promise<TaskLog> {
    const path = `${dagPath(dagId, dagRunId, 'taskInstances', taskSegment(taskId), 'logs', trySegment(tryNumber))}?full_content=true`;
    const text = await this.http.request('GET', path, { accept: 'text/plain', maxBytes: MAX_LOG_BYTES, keepEnd: true, signal });
    return logTail(taskId, tryNumber, text, options.maxChars ?? 4000);
  }

  /** post_clear_task_instances (ClearTaskInstances body; answer TaskInstanceReferenceCollection). */
  async clearTaskInstances(dagId: string, request: ClearTaskInstancesRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    const payload = {
      dry_run: request.dryRun,
      dag_run_id: request.dagRunId,
      task_ids: request.taskIds,
      include_downstream: request.includeDownstream ?? false,
      include_upstream: request.includeUpstream ?? false,
      only_failed: request.onlyFailed ?? false,
      reset_dag_runs: request.resetDagRuns ?? true,
    };
    const body = await this.http.json('POST', `${dagPath(dagId)}/clearTaskInstances`, TaskInstanceRefCollectionSchema, { payload, signal });
    return body.task_instances.map(toRef);
  }

  /** post_set_task_instances_state (UpdateTaskInstancesState body; answer TaskInstanceReferenceCollection). */
  async setTaskInstanceState(dagId: string, request: SetTaskInstanceStateRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    const payload = {
      dry_run: request.dryRun,
      dag_run_id: request.dagRunId,
      task_id: request.taskId,
      new_state: request.newState,
      include_downstream: request.includeDownstream ?? false,
      include_upstream: request.includeUpstream ?? false,
      include_future: false,
      include_past: false,
    };
    const body = await this.http.json('POST', `${dagPath(dagId)}/updateTaskInstancesState`, TaskInstanceRefCollectionSchema, { payload, signal });
    return body.task_instances.map(toRef);
  }
}
