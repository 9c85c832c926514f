import { z } from 'zod';
import type { DagRun, TaskInstance, TaskInstanceRef } from './airflow-actions';

// Airflow 2's stable REST API (v1) payloads, only the fields the runbooks read, checked against
// apache/airflow airflow/api_connexion/openapi/v1.yaml (2.9/2.10): DAGRun, TaskInstance,
// TaskInstanceReference, VersionInfo. Dates and most fields are nullable there, so optional ones accept null.
export const nullableString = z.string().nullish();

export const DagRunState = z.enum(['queued', 'running', 'success', 'failed']);
/** TaskState of v1 (with "none" and the older "shutdown") and TaskInstanceState of v2. */
export const TaskStateSchema = z
  .enum([
    'success',
    'running',
    'failed',
    'upstream_failed',
    'skipped',
    'up_for_retry',
    'up_for_reschedule',
    'queued',
    'none',
    'scheduled',
    'deferred',
    'removed',
    'restarting',
    'shutdown',
  ])
  .nullable();

export const DagRunSchema = z.object({
  dag_id: z.string(),
  dag_run_id: z.string(),
  state: DagRunState,
  execution_date: nullableString,
  logical_date: nullableString,
  start_date: nullableString,
  end_date: nullableString,
  conf: z.record(z.string(), z.unknown()).nullish(),
});

export const DagRunCollectionSchema = z.object({ dag_runs: z.array(DagRunSchema), total_entries: z.number().optional() });

export const TaskInstanceSchema = z.object({
  dag_id: z.string(),
  task_id: z.string(),
  dag_run_id: nullableString,
  execution_date: nullableString,
  state: TaskStateSchema,
  try_number: z.number().int(),
  start_date: nullableString,
  end_date: nullableString,
  duration: z.number().nullish(),
  operator: nullableString,
});

export const TaskInstanceCollectionSchema = z.object({ task_instances: z.array(TaskInstanceSchema), total_entries: z.number().int().optional() });

export const TaskInstanceRefCollectionSchema = z.object({
  task_instances: z.array(z.object({ dag_id: z.string(), task_id: z.string(), dag_run_id: nullableString, execution_date: nullableString })),
});

/** `GET /version` (operationId get_version, both generations). */
export const VersionInfoSchema = z.object({ version: z.string(), git_version: z.string().nullish() });

export const orUndefined = (v: string | null | undefined): string | undefined => v ?? undefined;

/** Airflow's DAG run payload in our shape. */
export function toDagRun(raw: z.infer<typeof DagRunSchema>): DagRun {
  return {
    dagId: raw.dag_id,
    dagRunId: raw.dag_run_id,
    state: raw.state,
    executionDate: orUndefined(raw.logical_date ?? raw.execution_date),
    startDate: orUndefined(raw.start_date),
    endDate: orUndefined(raw.end_date),
    conf: raw.conf ?? {},
  };
}

/** Airflow's task instance payload in our shape (`dagRunId` falls back to the run asked for). */
export function toTaskInstance(raw: z.infer<typeof TaskInstanceSchema>, dagRunId: string): TaskInstance {
  return {
    dagId: raw.dag_id,
    dagRunId: raw.dag_run_id ?? dagRunId,
    taskId: raw.task_id,
    // Airflow says "none" or null for "no status"; keep what it said, the runbooks treat both as not run.
    state: raw.state,
    tryNumber: raw.try_number,
    startDate: orUndefined(raw.start_date),
    endDate: orUndefined(raw.end_date),
    durationSeconds: raw.duration ?? undefined,
    operator: orUndefined(raw.operator),
  };
}

/** A task instance reference (clear / set state answers) in our shape. */
export function toRef(raw: z.infer<typeof TaskInstanceRefCollectionSchema>['task_instances'][number]): TaskInstanceRef {
  return { dagId: raw.dag_id, taskId: raw.task_id, dagRunId: orUndefined(raw.dag_run_id), executionDate: orUndefined(raw.execution_date) };
}
