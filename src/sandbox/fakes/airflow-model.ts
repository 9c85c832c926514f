/**
 * The data model both Airflow fakes share (DAGs, runs, task instances, logs) and the two changes the runbooks
 * make, with Airflow's semantics (the same in Airflow 2 and 3, airflow/models/dag.py):
 * - clear: the named tasks plus up/downstream closure, optionally only failed ones; resets the run to queued.
 * - set state (`DAG.set_task_instance_state`): reports only task instances whose state changes; when committed,
 *   it also clears the failed / upstream_failed tasks downstream of the task (excluding the task itself).
 * A dry run reports and changes nothing.
 */

export type FakeTaskState = string | null;
export type FakeRunState = 'queued' | 'running' | 'success' | 'failed';

export interface FakeRunSpec {
  dagRunId: string;
  state?: FakeRunState;
  /** v1's execution_date and v2's run_after. */
  executionDate?: string;
  /** v2's logical_date when it differs from executionDate (null: an Airflow 3 run without one). */
  logicalDate?: string | null;
  conf?: Record<string, unknown>;
  /** Every task's state in this run (tasks not named have no status). */
  tasks?: Record<string, FakeTaskState>;
  /** Log text by task id, then try number. */
  logs?: Record<string, Record<number, string>>;
}

export interface RunState {
  spec: FakeRunSpec;
  state: FakeRunState;
  tasks: Map<string, { state: FakeTaskState; tryNumber: number }>;
}

export interface DagState {
  downstream: Record<string, string[]>;
  runs: Map<string, RunState>;
}

const FAILED_STATES = new Set(['failed', 'upstream_failed']);

/** The tasks reachable from `start` along downstream and/or upstream edges, `start` included. */
export function closure(downstream: Record<string, string[]>, start: readonly string[], up: boolean, down: boolean): string[] {
  const seen = new Set(start);
  const edges = (t: string): string[] => [
    ...(down ? (downstream[t] ?? []) : []),
    ...(up
      ? Object.entries(downstream)
          .filter(([, ds]) => ds.includes(t))
          .map(([u]) => u)
      : []),
  ];
  const queue = [...start];
  while (queue.length > 0) {
    for (const next of edges(queue.shift()!)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return [...seen];
}

/** In-memory Airflow: what both generations' fakes serve. */
export class AirflowModel {
  readonly dags = new Map<string, DagState>();

  addDag(dagId: string, downstream: Record<string, string[]>): void {
    this.dags.set(dagId, { downstream, runs: new Map() });
  }

  /** Adds a run, or replaces it (a test moving a run to its next state). */
  addRun(dagId: string, spec: FakeRunSpec): void {
    const dag = this.dags.get(dagId);
    if (!dag) throw new Error(`addRun: unknown DAG ${dagId}`);
    const tasks = new Map(Object.keys(dag.downstream).map((t) => [t, { state: spec.tasks?.[t] ?? null, tryNumber: spec.tasks?.[t] ? 1 : 0 }]));
    dag.runs.set(spec.dagRunId, { spec, state: spec.state ?? 'running', tasks });
  }

  run(dagId: string, dagRunId: string): RunState | undefined {
    return this.dags.get(dagId)?.runs.get(dagRunId);
  }

  /** Runs latest first (by execution date / run_after), filtered by state. */
  runsOf(dag: DagState, states: readonly string[]): RunState[] {
    return [...dag.runs.values()]
      .filter((r) => states.length === 0 || states.includes(r.state))
      .sort((a, b) => (b.spec.executionDate ?? '').localeCompare(a.spec.executionDate ?? ''));
  }

  /** Task instances of a run filtered by state ("none" matches no status). */
  tasksOf(run: RunState, states: readonly string[]): [string, { state: FakeTaskState; tryNumber: number }][] {
    return [...run.tasks.entries()].filter(([, t]) => states.length === 0 || states.includes(t.state ?? 'none'));
  }

  /** clearTaskInstances on one run: the task ids affected. */
  clear(
    dag: DagState,
    run: RunState,
    o: { taskIds: string[]; up: boolean; down: boolean; onlyFailed: boolean; resetDagRuns: boolean; dryRun: boolean; exclude?: string[] },
  ): string[] {
    let affected = closure(dag.downstream, o.taskIds, o.up, o.down).filter((t) => run.tasks.has(t) && !(o.exclude ?? []).includes(t));
    if (o.onlyFailed) affected = affected.filter((t) => FAILED_STATES.has(run.tasks.get(t)?.state ?? ''));
    if (!o.dryRun) {
      for (const t of affected) run.tasks.get(t)!.state = null;
      if (o.resetDagRuns && affected.length > 0) run.state = 'queued';
    }
    return affected;
  }

  /** set_task_instance_state on one run: the task ids whose state changes (then, if committed, the downstream clear). */
  setState(dag: DagState, run: RunState, o: { taskId: string; newState: string; up: boolean; down: boolean; dryRun: boolean }): string[] {
    const altered = closure(dag.downstream, [o.taskId], o.up, o.down).filter((t) => run.tasks.has(t) && run.tasks.get(t)!.state !== o.newState);
    if (o.dryRun) return altered;
    for (const t of altered) run.tasks.get(t)!.state = o.newState;
    this.clear(dag, run, { taskIds: [o.taskId], up: false, down: true, onlyFailed: true, resetDagRuns: true, dryRun: false, exclude: [o.taskId] });
    return altered;
  }
}
