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
import { logTail, MAX_PAGES, PAGE } from './airflow-v1-client';
import {
  DagRunCollectionV2Schema,
  DagRunV2Schema,
  logText,
  TaskInstanceCollectionV2Schema,
  TaskLogV2Schema,
  toDagRunV2,
  toRefV2,
  toTaskInstanceV2,
} from './airflow-v2-schemas';

/** A log's JSON answer must be parsed whole; beyond this size the bot refuses it rather than guess. */
const MAX_LOG_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Airflow 3's REST API (`/api/v2`, spec apache/airflow-client-python spec/v2.yaml), JWT bearer auth. Request bodies
 * carry only documented fields (v2 rejects unknown ones with 422). Each method names the operationId it was checked against.
 */
export class AirflowV2Client implements AirflowActions {
  readonly baseUrl: string;
  constructor(private readonly http: AirflowHttp) {
    this.baseUrl = http.baseUrl;
  }

  apiUrl(path: string): string {
    return this.http.apiUrl(path);
  }

  apiGeneration(): Promise<1 | 2> {
    return Promise.resolve(2);
  }

  bypassRequests(dagId: string, dagRunId: string, taskIds: readonly string[]): string[] {
    return [
      ...taskIds.map((t) => `PATCH ${this.apiUrl(`${dagPath(dagId, dagRunId, 'taskInstances', taskSegment(t))}?update_mask=new_state`)}`),
      `POST ${this.apiUrl(`${dagPath(dagId)}/clearTaskInstances`)}`,
    ];
  }

  /** get_dag_runs: `order_by=-run_after` (logical_date may be null on Airflow 3), `state` repeated, `limit`. */
  async listDagRuns(dagId: string, options: ListDagRunsOptions = {}, signal?: AbortSignal): Promise<DagRun[]> {
    const query = new URLSearchParams({ order_by: '-run_after', limit: String(Math.min(Math.max(options.limit ?? 5, 1), 100)) });
    for (const state of options.states ?? []) query.append('state', state);
    const body = await this.http.json('GET', `${dagPath(dagId)}/dagRuns?${query.toString()}`, DagRunCollectionV2Schema, { signal });
    return body.dag_runs.map(toDagRunV2);
  }

  /** get_dag_run */
  async getDagRun(dagId: string, dagRunId: string, signal?: AbortSignal): Promise<DagRun> {
    return toDagRunV2(await this.http.json('GET', dagPath(dagId, dagRunId), DagRunV2Schema, { signal }));
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
      const body = await this.http.json('GET', `${dagPath(dagId, dagRunId, 'taskInstances')}?${query.toString()}`, TaskInstanceCollectionV2Schema, { signal });
      all.push(...body.task_instances.map(toTaskInstanceV2));
      if (body.task_instances.length < PAGE || all.length >= body.total_entries) break;
    }
    return all;
  }

  /** get_log with `Accept: application/json` (v2 offers JSON or NDJSON only: text/plain is not acceptable, 406). */
  async getTaskLog(
    dagId: string,
    dagRunId: string,
    taskId: string,
    tryNumber: number,
    options: { maxChars?: number } = {},
    signal?: AbortSignal,
  ): Promise<TaskLog> {
    const path = `${dagPath(dagId, dagRunId, 'taskInstances', taskSegment(taskId), 'logs', trySegment(tryNumber))}?full_content=true`;
    const body = await this.http.json('GET', path, TaskLogV2Schema, { maxBytes: MAX_LOG_JSON_BYTES, signal });
    return logTail(taskId, tryNumber, logText(body.content), options.maxChars ?? 4000);
  }

  /** post_clear_task_instances (ClearTaskInstancesBody; answer TaskInstanceCollectionResponse). */
  async clearTaskInstances(dagId: string, request: ClearTaskInstancesRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    const payload = {
      dry_run: request.dryRun,
      dag_run_id: request.dagRunId,
      task_ids: request.taskIds,
      include_downstream: request.includeDownstream ?? false,
      include_upstream: request.includeUpstream ?? false,
      // v2's default is true (v1's false): always said explicitly.
      only_failed: request.onlyFailed ?? false,
      reset_dag_runs: request.resetDagRuns ?? true,
    };
    const body = await this.http.json('POST', `${dagPath(dagId)}/clearTaskInstances`, TaskInstanceCollectionV2Schema, { payload, signal });
    return body.task_instances.map(toRefV2);
  }

  /**
   * patch_task_instance_dry_run (`PATCH .../taskInstances/{task_id}/dry_run`) or patch_task_instance: PatchTaskInstanceBody
   * with `new_state`, `update_mask=new_state` so the note is left alone; both answer TaskInstanceCollectionResponse.
   */
  async setTaskInstanceState(dagId: string, request: SetTaskInstanceStateRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    const payload = {
      new_state: request.newState,
      include_downstream: request.includeDownstream ?? false,
      include_upstream: request.includeUpstream ?? false,
      include_future: false,
      include_past: false,
    };
    const task = dagPath(dagId, request.dagRunId, 'taskInstances', taskSegment(request.taskId));
    const path = `${request.dryRun ? `${task}/dry_run` : task}?update_mask=new_state`;
    const body = await this.http.json('PATCH', path, TaskInstanceCollectionV2Schema, { payload, signal });
    return body.task_instances.map(toRefV2);
  }
}
