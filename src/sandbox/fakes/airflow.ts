import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from './http-server';

/**
 * A strict loopback fake of Airflow's stable REST API (`/api/v1`), just the calls our adapter makes.
 * It keeps DAGs, runs and task instances in memory, checks basic auth, and honours `dry_run` on
 * clearTaskInstances and updateTaskInstancesState exactly as Airflow does: a dry run reports what
 * would change and changes nothing. Any other request is recorded as unexpected.
 */

export type FakeTaskState = string | null;

export interface FakeRunSpec {
  dagRunId: string;
  state?: 'queued' | 'running' | 'success' | 'failed';
  executionDate?: string;
  conf?: Record<string, unknown>;
  /** Every task's state in this run (tasks not named have no status). */
  tasks?: Record<string, FakeTaskState>;
  /** Log text by task id, then try number. */
  logs?: Record<string, Record<number, string>>;
}

export interface AirflowRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body of POSTs. */
  body: Record<string, unknown> | undefined;
  authorized: boolean;
}

/** Answer this request differently (e.g. a 500); return undefined to let the fake answer normally. */
export type AirflowOverride = (req: AirflowRequest) => { status: number; body: unknown } | { hang: true } | undefined;

interface RunState {
  spec: FakeRunSpec;
  state: 'queued' | 'running' | 'success' | 'failed';
  tasks: Map<string, { state: FakeTaskState; tryNumber: number }>;
}

export interface AirflowFake {
  url: string;
  requests: AirflowRequest[];
  unexpected: string[];
  /** Defines a DAG: each task with the tasks directly downstream of it. */
  addDag(dagId: string, downstream: Record<string, string[]>): void;
  addRun(dagId: string, run: FakeRunSpec): void;
  taskState(dagId: string, dagRunId: string, taskId: string): FakeTaskState | undefined;
  runState(dagId: string, dagRunId: string): string | undefined;
  /** POSTs that were not dry runs (i.e. changed something). */
  mutations(): AirflowRequest[];
  override(fn: AirflowOverride | undefined): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

const CLEAR_FIELDS = new Set(['dry_run', 'task_ids', 'start_date', 'end_date', 'only_failed', 'only_running', 'include_subdags', 'include_parentdag', 'reset_dag_runs', 'dag_run_id', 'include_upstream', 'include_downstream', 'include_future', 'include_past']);
const SET_STATE_FIELDS = new Set(['dry_run', 'task_id', 'execution_date', 'dag_run_id', 'include_upstream', 'include_downstream', 'include_future', 'include_past', 'new_state']);
const FAILED_STATES = new Set(['failed', 'upstream_failed']);

/** Starts the fake; requests must carry `Authorization: Basic user:password`. */
export async function startAirflowFake(credentials = { username: 'bot', password: 'secret' }): Promise<AirflowFake> {
  const dags = new Map<string, { downstream: Record<string, string[]>; runs: Map<string, RunState> }>();
  const expectedAuth = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  let overrideFn: AirflowOverride | undefined;

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, title: string, detail: string): void =>
    send(res, status, { detail, status, title, type: `https://airflow.apache.org/docs/apache-airflow/2.7.3/stable-rest-api-ref.html#section/Errors/${title.replace(/\s/g, '')}` }, 'application/problem+json');

  const closure = (downstream: Record<string, string[]>, start: string[], up: boolean, down: boolean): string[] => {
    const seen = new Set(start);
    const edges = (t: string): string[] => [
      ...(down ? (downstream[t] ?? []) : []),
      ...(up ? Object.entries(downstream).filter(([, ds]) => ds.includes(t)).map(([u]) => u) : []),
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
  };

  const dagRunJson = (dagId: string, run: RunState) => ({
    dag_id: dagId,
    dag_run_id: run.spec.dagRunId,
    state: run.state,
    execution_date: run.spec.executionDate ?? null,
    logical_date: run.spec.executionDate ?? null,
    start_date: run.spec.executionDate ?? null,
    end_date: run.state === 'success' || run.state === 'failed' ? (run.spec.executionDate ?? null) : null,
    conf: run.spec.conf ?? {},
    external_trigger: false,
  });
  const ref = (dagId: string, run: RunState, taskId: string) => ({ dag_id: dagId, task_id: taskId, dag_run_id: run.spec.dagRunId, execution_date: run.spec.executionDate ?? null });

  const handle = (req: IncomingMessage, res: ServerResponse, request: AirflowRequest): void => {
    const unexpected = (): void => {
      fake.unexpected.push(`${request.method} ${request.path}${request.query.size > 0 ? `?${request.query.toString()}` : ''}`);
      problem(res, 404, 'Not Found', 'The fake does not serve this request.');
    };
    const parts = request.path.split('/').map(decodeURIComponent);
    // ['', 'api', 'v1', 'dags', dagId, ...]
    if (parts[1] !== 'api' || parts[2] !== 'v1' || parts[3] !== 'dags' || parts[4] === undefined) return unexpected();
    if (!request.authorized) return problem(res, 401, 'Unauthorized', 'Invalid credentials');
    const dagId = parts[4];
    const dag = dags.get(dagId);
    const rest = parts.slice(5);
    if (!dag) return problem(res, 404, 'DAG not found', `DAG with dag_id: '${dagId}' not found`);
    const runOf = (runId: string): RunState | undefined => dag.runs.get(runId);

    if (req.method === 'GET' && rest.length === 1 && rest[0] === 'dagRuns') {
      if (request.query.get('order_by') !== '-execution_date') return unexpected();
      const states = request.query.getAll('state');
      const limit = Number(request.query.get('limit') ?? '100');
      const runs = [...dag.runs.values()]
        .filter((r) => states.length === 0 || states.includes(r.state))
        .sort((a, b) => (b.spec.executionDate ?? '').localeCompare(a.spec.executionDate ?? ''));
      return send(res, 200, { dag_runs: runs.slice(0, limit).map((r) => dagRunJson(dagId, r)), total_entries: runs.length });
    }
    if (req.method === 'GET' && rest[0] === 'dagRuns' && rest[1] !== undefined) {
      const run = runOf(rest[1]);
      if (!run) return problem(res, 404, 'DAGRun not found', `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${rest[1]}' not found`);
      if (rest.length === 2) return send(res, 200, dagRunJson(dagId, run));
      if (rest.length === 3 && rest[2] === 'taskInstances') {
        const states = request.query.getAll('state');
        const limit = Number(request.query.get('limit') ?? '100');
        const offset = Number(request.query.get('offset') ?? '0');
        const all = [...run.tasks.entries()].filter(([, t]) => states.length === 0 || states.includes(t.state ?? 'none'));
        const page = all.slice(offset, offset + limit).map(([taskId, t]) => ({
          ...ref(dagId, run, taskId),
          state: t.state,
          try_number: t.tryNumber,
          start_date: run.spec.executionDate ?? null,
          end_date: null,
          duration: t.state === null ? null : 12.5,
          operator: 'BashOperator',
        }));
        return send(res, 200, { task_instances: page, total_entries: all.length });
      }
      if (rest.length === 6 && rest[2] === 'taskInstances' && rest[4] === 'logs') {
        const log = run.spec.logs?.[rest[3]!]?.[Number(rest[5])];
        if (log === undefined) return problem(res, 404, 'TaskInstance not found', 'Task instance did not exist in the DB');
        if ((req.headers.accept ?? '').includes('text/plain')) return send(res, 200, log, 'text/plain');
        return send(res, 200, { content: log, continuation_token: 'fake' });
      }
      return unexpected();
    }
    if (req.method === 'POST' && rest.length === 1 && (rest[0] === 'clearTaskInstances' || rest[0] === 'updateTaskInstancesState')) {
      const body = request.body ?? {};
      const clear = rest[0] === 'clearTaskInstances';
      const unknown = Object.keys(body).filter((k) => !(clear ? CLEAR_FIELDS : SET_STATE_FIELDS).has(k));
      if (unknown.length > 0) return problem(res, 400, 'Bad Request', `{${unknown.map((k) => `'${k}': ['Unknown field.']`).join(', ')}}`);
      const run = typeof body.dag_run_id === 'string' ? runOf(body.dag_run_id) : undefined;
      if (!run) return problem(res, 404, 'DAGRun not found', `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${String(body.dag_run_id)}' not found`);
      // Airflow's default for dry_run is true: a body without it changes nothing.
      const dryRun = body.dry_run !== false;
      const start = clear ? (Array.isArray(body.task_ids) ? (body.task_ids as string[]) : []) : [String(body.task_id)];
      let affected = closure(dag.downstream, start, body.include_upstream === true, body.include_downstream === true).filter((t) => run.tasks.has(t));
      if (clear) {
        if (body.only_failed === true) affected = affected.filter((t) => FAILED_STATES.has(run.tasks.get(t)?.state ?? ''));
        if (!dryRun) {
          for (const t of affected) run.tasks.get(t)!.state = null;
          if (body.reset_dag_runs !== false && affected.length > 0) run.state = 'queued';
        }
      } else {
        if (body.new_state !== 'success' && body.new_state !== 'failed') return problem(res, 400, 'Bad Request', "{'new_state': ['Must be one of: success, failed.']}");
        // set_state reports only the task instances whose state actually changes.
        affected = affected.filter((t) => run.tasks.get(t)?.state !== body.new_state);
        if (!dryRun) for (const t of affected) run.tasks.get(t)!.state = body.new_state;
      }
      return send(res, 200, { task_instances: affected.map((t) => ref(dagId, run, t)) });
    }
    return unexpected();
  };

  const server = await startHttpServer((req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: Record<string, unknown> | undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        fake.unexpected.push(`${req.method ?? '?'} ${url.pathname} with a body that is not JSON`);
        return problem(res, 400, 'Bad Request', 'Request body is not JSON');
      }
    }
    const request: AirflowRequest = { method: req.method ?? '?', path: url.pathname, query: url.searchParams, body, authorized: req.headers.authorization === expectedAuth };
    fake.requests.push(request);
    const over = overrideFn?.(request);
    if (over && 'hang' in over) return;
    if (over) return send(res, over.status, over.body, typeof over.body === 'string' ? 'text/plain' : 'application/problem+json');
    handle(req, res, request);
  });

  const fake: AirflowFake = {
    url: server.url,
    requests: [],
    unexpected: [],
    addDag: (dagId, downstream) => void dags.set(dagId, { downstream, runs: new Map() }),
    addRun: (dagId, spec) => {
      const dag = dags.get(dagId);
      if (!dag) throw new Error(`addRun: unknown DAG ${dagId}`);
      const tasks = new Map(Object.keys(dag.downstream).map((t) => [t, { state: spec.tasks?.[t] ?? null, tryNumber: spec.tasks?.[t] ? 1 : 0 }]));
      dag.runs.set(spec.dagRunId, { spec, state: spec.state ?? 'running', tasks });
    },
    taskState: (dagId, runId, taskId) => dags.get(dagId)?.runs.get(runId)?.tasks.get(taskId)?.state,
    runState: (dagId, runId) => dags.get(dagId)?.runs.get(runId)?.state,
    mutations: () => fake.requests.filter((r) => r.method === 'POST' && r.body?.dry_run === false),
    override: (fn) => {
      overrideFn = fn;
    },
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) throw new Error(`Airflow fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}
