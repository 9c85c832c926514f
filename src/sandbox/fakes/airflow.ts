import type { ServerResponse } from 'node:http';
import { startAirflowFakeServer, type AirflowDialect, type AirflowFake, type AirflowRequest, type DialectContext } from './airflow-fake-server';
import type { DagState, RunState } from './airflow-model';

/**
 * A strict loopback fake of Airflow 2's stable REST API, written from apache/airflow
 * airflow/api_connexion/openapi/v1.yaml (info.version 2.9.0, "Airflow API (Stable)"), just the calls the bot makes:
 * get_version, get_dag_runs, get_dag_run, get_task_instances, get_log, post_clear_task_instances,
 * post_set_task_instances_state. Basic auth only (a Bearer token is refused, 401); Airflow 3's routes
 * (`/api/v2/...`, `/auth/token`) answer 404. Errors are RFC 7807 problem details; unknown body fields are a 400.
 */

export type { AirflowFake, AirflowOverride, AirflowRequest } from './airflow-fake-server';
export type { FakeRunSpec, FakeTaskState } from './airflow-model';

const CLEAR_FIELDS = new Set([
  'dry_run',
  'task_ids',
  'start_date',
  'end_date',
  'only_failed',
  'only_running',
  'include_subdags',
  'include_parentdag',
  'reset_dag_runs',
  'dag_run_id',
  'include_upstream',
  'include_downstream',
  'include_future',
  'include_past',
]);
const SET_STATE_FIELDS = new Set([
  'dry_run',
  'task_id',
  'execution_date',
  'dag_run_id',
  'include_upstream',
  'include_downstream',
  'include_future',
  'include_past',
  'new_state',
]);

function problem(ctx: DialectContext, status: number, title: string, detail: string): void {
  ctx.send(
    status,
    {
      detail,
      status,
      title,
      type: `https://airflow.apache.org/docs/apache-airflow/2.10.5/stable-rest-api-ref.html#section/Errors/${title.replace(/\s/g, '')}`,
    },
    'application/problem+json',
  );
}

const dagRunJson = (dagId: string, run: RunState) => ({
  dag_id: dagId,
  dag_run_id: run.spec.dagRunId,
  state: run.state,
  execution_date: run.spec.executionDate ?? null,
  logical_date: run.spec.executionDate ?? null,
  start_date: run.spec.executionDate ?? null,
  end_date: run.state === 'success' || run.state === 'failed' ? (run.spec.executionDate ?? null) : null,
  data_interval_start: run.spec.executionDate ?? null,
  data_interval_end: run.spec.executionDate ?? null,
  last_scheduling_decision: null,
  run_type: run.spec.dagRunId.startsWith('manual__') ? 'manual' : 'scheduled',
  conf: run.spec.conf ?? {},
  external_trigger: false,
  note: null,
});
const ref = (dagId: string, run: RunState, taskId: string) => ({
  dag_id: dagId,
  task_id: taskId,
  dag_run_id: run.spec.dagRunId,
  execution_date: run.spec.executionDate ?? null,
});

function handleDag(req: AirflowRequest, ctx: DialectContext, dagId: string, dag: DagState, rest: string[]): void {
  const { model } = ctx;
  if (req.method === 'GET' && rest.length === 1 && rest[0] === 'dagRuns') {
    if (req.query.get('order_by') !== '-execution_date') return ctx.unexpected();
    const runs = model.runsOf(dag, req.query.getAll('state'));
    const limit = Number(req.query.get('limit') ?? '100');
    return ctx.send(200, { dag_runs: runs.slice(0, limit).map((r) => dagRunJson(dagId, r)), total_entries: runs.length });
  }
  if (req.method === 'GET' && rest[0] === 'dagRuns' && rest[1] !== undefined) {
    const run = dag.runs.get(rest[1]);
    if (!run) return problem(ctx, 404, 'DAGRun not found', `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${rest[1]}' not found`);
    if (rest.length === 2) return ctx.send(200, dagRunJson(dagId, run));
    if (rest.length === 3 && rest[2] === 'taskInstances') {
      const limit = Number(req.query.get('limit') ?? '100');
      const offset = Number(req.query.get('offset') ?? '0');
      const all = model.tasksOf(run, req.query.getAll('state'));
      const page = all.slice(offset, offset + limit).map(([taskId, t]) => ({
        ...ref(dagId, run, taskId),
        state: t.state,
        try_number: t.tryNumber,
        map_index: -1,
        start_date: run.spec.executionDate ?? null,
        end_date: null,
        duration: t.state === null ? null : 12.5,
        operator: 'BashOperator',
      }));
      return ctx.send(200, { task_instances: page, total_entries: all.length });
    }
    if (rest.length === 6 && rest[2] === 'taskInstances' && rest[4] === 'logs') {
      const log = run.spec.logs?.[rest[3]!]?.[Number(rest[5])];
      if (log === undefined) return problem(ctx, 404, 'TaskInstance not found', 'Task instance did not exist in the DB');
      if ((req.headers.accept ?? '').includes('text/plain')) return ctx.send(200, log, 'text/plain');
      return ctx.send(200, { content: log, continuation_token: 'fake' });
    }
    return ctx.unexpected();
  }
  if (req.method === 'POST' && rest.length === 1 && (rest[0] === 'clearTaskInstances' || rest[0] === 'updateTaskInstancesState')) {
    const body = req.body ?? {};
    const clear = rest[0] === 'clearTaskInstances';
    const unknown = Object.keys(body).filter((k) => !(clear ? CLEAR_FIELDS : SET_STATE_FIELDS).has(k));
    if (unknown.length > 0) return problem(ctx, 400, 'Bad Request', `{${unknown.map((k) => `'${k}': ['Unknown field.']`).join(', ')}}`);
    const run = typeof body.dag_run_id === 'string' ? dag.runs.get(body.dag_run_id) : undefined;
    if (!run) return problem(ctx, 404, 'DAGRun not found', `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${String(body.dag_run_id)}' not found`);
    // Airflow's default for dry_run is true: a body without it changes nothing.
    const dryRun = body.dry_run !== false;
    const [up, down] = [body.include_upstream === true, body.include_downstream === true];
    if (clear) {
      const taskIds = Array.isArray(body.task_ids) ? body.task_ids.filter((t): t is string => typeof t === 'string') : [];
      const affected = model.clear(dag, run, { taskIds, up, down, onlyFailed: body.only_failed === true, resetDagRuns: body.reset_dag_runs !== false, dryRun });
      return ctx.send(200, { task_instances: affected.map((t) => ref(dagId, run, t)) });
    }
    if (body.new_state !== 'success' && body.new_state !== 'failed')
      return problem(ctx, 400, 'Bad Request', "{'new_state': ['Must be one of: success, failed.']}");
    const altered = model.setState(dag, run, { taskId: String(body.task_id), newState: body.new_state, up, down, dryRun });
    return ctx.send(200, { task_instances: altered.map((t) => ref(dagId, run, t)) });
  }
  return ctx.unexpected();
}

const basicOf = (credentials: { username: string; password: string }): string =>
  `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

/** The Airflow 2 dialect (requests must carry `Authorization: Basic user:password`). */
export function airflowV1Dialect(credentials: { username: string; password: string }): AirflowDialect {
  const expected = basicOf(credentials);
  return {
    generation: 1,
    authorize: (header) => ({ authorized: header === expected, scheme: header?.split(' ')[0]?.toLowerCase() }),
    change: (r) => (r.method === 'POST' && r.body?.dry_run === false ? (r.path.endsWith('/clearTaskInstances') ? 'clear' : 'set-state') : undefined),
    notJson: { status: 400, body: { detail: 'Request body is not JSON', status: 400, title: 'Bad Request', type: 'about:blank' } },
    handle(req: AirflowRequest, _res: ServerResponse, ctx: DialectContext) {
      const parts = req.path.split('/').map(decodeURIComponent);
      if (parts[1] === 'auth' || (parts[1] === 'api' && parts[2] === 'v2')) return ctx.foreign();
      if (parts[1] !== 'api' || parts[2] !== 'v1') return ctx.unexpected();
      // get_version is public (no security requirement in v1.yaml).
      if (req.method === 'GET' && parts.length === 4 && parts[3] === 'version') return ctx.send(200, { version: '2.10.5', git_version: null });
      if (parts[3] !== 'dags' || parts[4] === undefined) return ctx.unexpected();
      if (!req.authorized) return problem(ctx, 401, 'Unauthorized', 'Invalid credentials');
      const dag = ctx.model.dags.get(parts[4]);
      if (!dag) return problem(ctx, 404, 'DAG not found', `DAG with dag_id: '${parts[4]}' not found`);
      handleDag(req, ctx, parts[4], dag, parts.slice(5));
    },
  };
}

/** Starts an Airflow 2 fake; requests must carry `Authorization: Basic user:password`. */
export function startAirflowFake(credentials = { username: 'bot', password: 'secret' }): Promise<AirflowFake> {
  return startAirflowFakeServer(airflowV1Dialect(credentials));
}

/** The same, named for parameterised suites. */
export const startAirflowV1Fake = startAirflowFake;
