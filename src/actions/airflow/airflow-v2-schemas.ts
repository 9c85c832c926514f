import { z } from 'zod';
import type { DagRun, TaskInstance, TaskInstanceRef } from './airflow-actions';
import { DagRunState, nullableString, orUndefined, TaskStateSchema } from './airflow-schemas';

// Airflow 3's REST API (v2) payloads, only the fields the runbooks read, checked against
// apache/airflow-client-python spec/v2.yaml (info.version '2', generated from airflow-core's
// v2-rest-api-generated.yaml): DAGRunResponse, TaskInstanceResponse, TaskInstanceCollectionResponse,
// TaskInstancesLogResponse, StructuredLogMessage. execution_date is gone: logical_date (nullable) and run_after.

export const DagRunV2Schema = z.object({
  dag_id: z.string(),
  dag_run_id: z.string(),
  state: DagRunState,
  logical_date: nullableString,
  run_after: z.string(),
  start_date: nullableString,
  end_date: nullableString,
  conf: z.record(z.string(), z.unknown()).nullish(),
});

export const DagRunCollectionV2Schema = z.object({ dag_runs: z.array(DagRunV2Schema), total_entries: z.number().int() });

export const TaskInstanceV2Schema = z.object({
  dag_id: z.string(),
  dag_run_id: z.string(),
  task_id: z.string(),
  map_index: z.number().int(),
  logical_date: nullableString,
  state: TaskStateSchema,
  try_number: z.number().int(),
  start_date: nullableString,
  end_date: nullableString,
  duration: z.number().nullish(),
  operator: nullableString,
});

/** Lists, clearTaskInstances and both PATCH task instance answers (dry run or not) are this collection. */
export const TaskInstanceCollectionV2Schema = z.object({ task_instances: z.array(TaskInstanceV2Schema), total_entries: z.number().int() });

/** A structured log line (`event` required, more fields allowed) or a plain string line. */
const StructuredLogMessage = z.looseObject({ event: z.string(), timestamp: z.string().nullish(), level: z.string().nullish() });
export const TaskLogV2Schema = z.object({ content: z.union([z.array(StructuredLogMessage), z.array(z.string())]), continuation_token: nullableString });

/** Airflow 3's log lines as text, one per line, in the layout of Airflow 2's text logs. */
export function logText(content: z.infer<typeof TaskLogV2Schema>['content']): string {
  return content
    .map((line) => {
      if (typeof line === 'string') return line;
      const prefix = [line.timestamp ? `[${line.timestamp}]` : '', line.level ? line.level.toUpperCase() : ''].filter((p) => p !== '').join(' ');
      return prefix ? `${prefix} - ${line.event}` : line.event;
    })
    .join('\n');
}

/** Airflow 3's DAG run in our shape. */
export function toDagRunV2(raw: z.infer<typeof DagRunV2Schema>): DagRun {
  return {
    dagId: raw.dag_id,
    dagRunId: raw.dag_run_id,
    state: raw.state,
    executionDate: orUndefined(raw.logical_date),
    runAfter: raw.run_after,
    startDate: orUndefined(raw.start_date),
    endDate: orUndefined(raw.end_date),
    conf: raw.conf ?? {},
  };
}

/** Airflow 3's task instance in our shape. */
export function toTaskInstanceV2(raw: z.infer<typeof TaskInstanceV2Schema>): TaskInstance {
  return {
    dagId: raw.dag_id,
    dagRunId: raw.dag_run_id,
    taskId: raw.task_id,
    state: raw.state,
    tryNumber: raw.try_number,
    startDate: orUndefined(raw.start_date),
    endDate: orUndefined(raw.end_date),
    durationSeconds: raw.duration ?? undefined,
    operator: orUndefined(raw.operator),
  };
}

/** Airflow 3's task instance as a reference (clear / set state answers). */
export function toRefV2(raw: z.infer<typeof TaskInstanceV2Schema>): TaskInstanceRef {
  return { dagId: raw.dag_id, taskId: raw.task_id, dagRunId: raw.dag_run_id, executionDate: orUndefined(raw.logical_date) };
}
