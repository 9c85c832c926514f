import { z } from 'zod';
import type { DagRun, TaskInstance, TaskInstanceRef, TaskState } from './airflow-actions';

// Airflow's stable REST API (v1) payloads, only the fields the runbooks read. Dates and most
// fields are nullable in Airflow's OpenAPI spec, so every optional one accepts null.
const nullableString = z.string().nullish();

export const DagRunSchema = z.object({
  dag_id: z.string(),
  dag_run_id: z.string(),
  state: z.enum(['queued', 'running', 'success', 'failed']),
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
  state: z.string().nullable(),
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

/** Airflow's error body (RFC 7807 problem details). */
export const ProblemSchema = z.object({ title: z.string().optional(), detail: z.string().optional() });

const orUndefined = (v: string | null | undefined): string | undefined => v ?? undefined;

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
    state: raw.state as TaskState,
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
