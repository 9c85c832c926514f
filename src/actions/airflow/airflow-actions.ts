/**
 * The Airflow calls the runbooks use, on either API generation: Airflow 2's stable REST API
 * (`<AIRFLOW_URL>/api/v1`, Basic auth) or Airflow 3's (`/api/v2`, JWT from `/auth/token`). Shared by the
 * dagão and build-failure runbooks: add methods, never change these signatures.
 */

/** Airflow's DAG run states. */
export type DagRunState = 'queued' | 'running' | 'success' | 'failed';

/** Task instance states as Airflow reports them; `null` means "no status" (e.g. just cleared). */
export type TaskState =
  | 'success'
  | 'running'
  | 'failed'
  | 'upstream_failed'
  | 'skipped'
  | 'up_for_retry'
  | 'up_for_reschedule'
  | 'queued'
  | 'none'
  | 'scheduled'
  | 'deferred'
  | 'removed'
  | 'restarting'
  | 'shutdown'
  | null;

export interface DagRun {
  dagId: string;
  dagRunId: string;
  state: DagRunState;
  /** ISO timestamps as Airflow sent them. `executionDate` is v1's execution_date or v2's logical_date (null for some Airflow 3 runs). */
  executionDate?: string;
  /** Airflow 3's run_after: when the run was due (always set on v2, absent on v1). */
  runAfter?: string;
  startDate?: string;
  endDate?: string;
  conf: Record<string, unknown>;
}

export interface TaskInstance {
  dagId: string;
  dagRunId: string;
  taskId: string;
  state: TaskState;
  tryNumber: number;
  startDate?: string;
  endDate?: string;
  durationSeconds?: number;
  operator?: string;
}

/** A task instance named in a dry run or a change (clear, set state). */
export interface TaskInstanceRef {
  dagId: string;
  taskId: string;
  dagRunId?: string;
  executionDate?: string;
}

export interface TaskLog {
  taskId: string;
  tryNumber: number;
  /** The last `maxChars` characters of the log (the end is where the error usually is). */
  excerpt: string;
  truncated: boolean;
}

export interface ListDagRunsOptions {
  /** How many runs, latest first (default 5, at most 100). */
  limit?: number;
  states?: DagRunState[];
}

export interface ClearTaskInstancesRequest {
  /** When true Airflow only reports which task instances it would clear. */
  dryRun: boolean;
  dagRunId: string;
  taskIds: string[];
  includeDownstream?: boolean;
  includeUpstream?: boolean;
  /** Only clear task instances in a failed state (failed, upstream_failed). */
  onlyFailed?: boolean;
  /** Reset the DAG run's state to running (Airflow's default is true). */
  resetDagRuns?: boolean;
}

export interface SetTaskInstanceStateRequest {
  /** When true Airflow only reports which task instances it would change. */
  dryRun: boolean;
  dagRunId: string;
  taskId: string;
  newState: 'success' | 'failed';
  includeDownstream?: boolean;
  includeUpstream?: boolean;
}

/** One thin method per Airflow REST call; every failure is a BackendError with a message for people. */
export interface AirflowActions {
  /** The web UI / API base URL (for links and previews). */
  readonly baseUrl: string;
  /** The exact URL of an API path (for previews), e.g. `apiUrl('/dags/dagao/clearTaskInstances')`. */
  apiUrl(path: string): string;
  /** DAG runs of a DAG, latest first. */
  listDagRuns(dagId: string, options?: ListDagRunsOptions, signal?: AbortSignal): Promise<DagRun[]>;
  /** One DAG run; throws AirflowNotFound (a BackendError, status 404) when Airflow documents it does not exist. */
  getDagRun(dagId: string, dagRunId: string, signal?: AbortSignal): Promise<DagRun>;
  /** Task instances of a run, optionally only those in the given states (all pages). */
  listTaskInstances(dagId: string, dagRunId: string, options?: { states?: Exclude<TaskState, null>[] }, signal?: AbortSignal): Promise<TaskInstance[]>;
  /** The end of one try's log, bounded to `maxChars` (default 4000). */
  getTaskLog(dagId: string, dagRunId: string, taskId: string, tryNumber: number, options?: { maxChars?: number }, signal?: AbortSignal): Promise<TaskLog>;
  /** POST clearTaskInstances; returns the task instances cleared (or, with dryRun, that would be). */
  clearTaskInstances(dagId: string, request: ClearTaskInstancesRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]>;
  /**
   * v1 POST updateTaskInstancesState / v2 PATCH taskInstances/{task_id}[/dry_run]; returns the task instances whose
   * state changes (or, with dryRun, would). Committing also makes Airflow clear failed tasks downstream.
   */
  setTaskInstanceState(dagId: string, request: SetTaskInstanceStateRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]>;
  // Optional so in-memory test doubles written before Airflow 3 support still fit.
  /** Which API generation the server speaks (detected once in auto mode). */
  apiGeneration?(signal?: AbortSignal): Promise<1 | 2>;
  /** The requests a bypass makes (method and URL), for previews; needs the generation known (call after a dry run). */
  bypassRequests?(dagId: string, dagRunId: string, taskIds: readonly string[]): string[];
}
