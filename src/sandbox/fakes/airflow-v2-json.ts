// The response bodies of the Airflow 3 fake (airflow-v2.ts), field for field as apache/airflow-client-python
// spec/v2.yaml's DAGRunResponse and TaskInstanceResponse list them, apart from the routing and validation.
import { randomUUID } from 'node:crypto';
import type { RunState } from './airflow-model';

const logicalDate = (run: RunState): string | null => (run.spec.logicalDate !== undefined ? run.spec.logicalDate : (run.spec.executionDate ?? null));
/** When the run was due (its execution date in the spec); also its start and queue time in the fake. */
export const runAfter = (run: RunState): string => run.spec.executionDate ?? '2026-01-01T00:00:00Z';

/** A DAGRunResponse of spec/v2.yaml for `run`. */
export const dagRunJson = (dagId: string, run: RunState) => ({
  dag_run_id: run.spec.dagRunId,
  dag_id: dagId,
  logical_date: logicalDate(run),
  queued_at: runAfter(run),
  start_date: runAfter(run),
  end_date: run.state === 'success' || run.state === 'failed' ? runAfter(run) : null,
  duration: null,
  data_interval_start: logicalDate(run),
  data_interval_end: logicalDate(run),
  run_after: runAfter(run),
  last_scheduling_decision: null,
  run_type: run.spec.dagRunId.startsWith('manual__') ? 'manual' : 'scheduled',
  state: run.state,
  triggered_by: run.spec.dagRunId.startsWith('manual__') ? 'rest_api' : 'timetable',
  triggering_user_name: null,
  conf: run.spec.conf ?? {},
  note: null,
  dag_versions: [],
  bundle_version: null,
  dag_display_name: dagId,
});

/** A TaskInstanceResponse of spec/v2.yaml for one task of `run`. */
export const tiJson = (dagId: string, run: RunState, taskId: string, t: { state: string | null; tryNumber: number }) => ({
  id: randomUUID(),
  task_id: taskId,
  dag_id: dagId,
  dag_run_id: run.spec.dagRunId,
  map_index: -1,
  logical_date: logicalDate(run),
  run_after: runAfter(run),
  start_date: t.state === null ? null : runAfter(run),
  end_date: null,
  duration: t.state === null ? null : 12.5,
  state: t.state,
  try_number: t.tryNumber,
  max_tries: 2,
  task_display_name: taskId,
  dag_display_name: dagId,
  hostname: '',
  unixname: 'airflow',
  pool: 'default_pool',
  pool_slots: 1,
  queue: 'default',
  priority_weight: 1,
  operator: 'BashOperator',
  operator_name: 'BashOperator',
  queued_when: null,
  scheduled_when: null,
  pid: null,
  executor: null,
  executor_config: '{}',
  note: null,
  rendered_map_index: null,
  rendered_fields: {},
  trigger: null,
  triggerer_job: null,
  dag_version: null,
});
