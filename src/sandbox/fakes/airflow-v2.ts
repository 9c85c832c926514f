import { createHmac, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startAirflowFakeServer, type AirflowDialect, type AirflowFake, type AirflowRequest, type DialectContext } from './airflow-fake-server';
import { startAirflowFake } from './airflow';
import type { DagState, RunState } from './airflow-model';
import { dagRunJson, runAfter, tiJson } from './airflow-v2-json';

/**
 * A strict loopback fake of Airflow 3's REST API, written from apache/airflow-client-python spec/v2.yaml
 * (info.version '2', "Airflow API", generated from airflow-core/src/airflow/api_fastapi/core_api/openapi/
 * v2-rest-api-generated.yaml) and the auth managers' `POST /auth/token` (operationId create_token, 201 LoginResponse):
 * get_version, get_dag_runs, get_dag_run, get_task_instances, get_log, post_clear_task_instances, patch_task_instance,
 * patch_task_instance_dry_run. JWT bearer auth only (Basic is refused, 401); Airflow 2's `/api/v1` answers 404. Bodies
 * with unknown fields or bad query values are a 422 HTTPValidationError; errors are `{"detail": ...}`.
 */

const CLEAR_FIELDS = new Set([
  'dry_run',
  'start_date',
  'end_date',
  'only_failed',
  'only_running',
  'reset_dag_runs',
  'task_ids',
  'dag_run_id',
  'include_upstream',
  'include_downstream',
  'include_future',
  'include_past',
  'run_on_latest_version',
]);
const PATCH_FIELDS = new Set(['new_state', 'note', 'include_upstream', 'include_downstream', 'include_future', 'include_past']);
const TI_STATES = new Set([
  'removed',
  'scheduled',
  'queued',
  'running',
  'success',
  'restarting',
  'failed',
  'up_for_retry',
  'up_for_reschedule',
  'upstream_failed',
  'skipped',
  'deferred',
]);
const RUN_ORDER = new Set([
  'id',
  'state',
  'dag_id',
  'run_id',
  'logical_date',
  'run_after',
  'start_date',
  'end_date',
  'updated_at',
  'conf',
  'duration',
  'dag_run_id',
]);

const invalid = (ctx: DialectContext, loc: (string | number)[], msg: string, type: string, input?: unknown): void =>
  ctx.send(422, { detail: [{ type, loc, msg, input }] });

function unknownFields(ctx: DialectContext, body: Record<string, unknown>, allowed: Set<string>): boolean {
  const extra = Object.keys(body).find((k) => !allowed.has(k));
  if (extra === undefined) return false;
  invalid(ctx, ['body', extra], 'Extra inputs are not permitted', 'extra_forbidden', body[extra]);
  return true;
}

function intQuery(ctx: DialectContext, req: AirflowRequest, name: string, fallback: number): number | undefined {
  const raw = req.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw))
    return void invalid(ctx, ['query', name], 'Input should be a valid integer, unable to parse string as an integer', 'int_parsing', raw);
  return Number(raw);
}

function handleRun(req: AirflowRequest, ctx: DialectContext, dagId: string, dag: DagState, run: RunState, rest: string[]): void {
  const { model } = ctx;
  if (req.method === 'GET' && rest.length === 0) return ctx.send(200, dagRunJson(dagId, run));
  if (req.method === 'GET' && rest.length === 1 && rest[0] === 'taskInstances') {
    const limit = intQuery(ctx, req, 'limit', 50);
    const offset = intQuery(ctx, req, 'offset', 0);
    if (limit === undefined || offset === undefined) return;
    const all = model.tasksOf(run, req.query.getAll('state'));
    return ctx.send(200, { task_instances: all.slice(offset, offset + limit).map(([id, t]) => tiJson(dagId, run, id, t)), total_entries: all.length });
  }
  const taskId = rest[1];
  if (rest[0] !== 'taskInstances' || taskId === undefined) return ctx.unexpected();
  const ti = run.tasks.get(taskId);
  if (req.method === 'GET' && rest.length === 4 && rest[2] === 'logs') {
    const accept = req.headers.accept ?? '*/*';
    if (!/application\/json|application\/x-ndjson|\*\/\*/.test(accept))
      return ctx.send(406, { detail: 'Only application/json or application/x-ndjson is supported' });
    const log = run.spec.logs?.[taskId]?.[Number(rest[3])];
    if (!ti || log === undefined)
      return ctx.send(404, { detail: `TaskInstance not found for dag_id=${dagId}, run_id=${run.spec.dagRunId}, task_id=${taskId}` });
    const at = runAfter(run);
    return ctx.send(200, {
      content: log.split('\n').map((event) => ({ timestamp: at, event, level: /ERROR/.test(event) ? 'error' : 'info' })),
      continuation_token: null,
    });
  }
  if (req.method === 'PATCH' && (rest.length === 2 || (rest.length === 3 && rest[2] === 'dry_run'))) {
    const body = req.body ?? {};
    if (unknownFields(ctx, body, PATCH_FIELDS)) return;
    if (body.new_state !== undefined && body.new_state !== null && (typeof body.new_state !== 'string' || !TI_STATES.has(body.new_state)))
      return invalid(ctx, ['body', 'new_state'], 'Input should be a valid TaskInstanceState', 'enum', body.new_state);
    const mask = req.query.getAll('update_mask');
    if (mask.some((m) => m !== 'new_state' && m !== 'note')) return ctx.send(400, { detail: `Invalid field in update mask: ${mask.join(',')}` });
    if (!ti) return ctx.send(404, { detail: `Task Instance not found for dag_id=${dagId}, run_id=${run.spec.dagRunId}, task_id=${taskId}` });
    if (body.new_state !== 'success' && body.new_state !== 'failed' && body.new_state !== 'skipped')
      return ctx.send(400, { detail: `Task Instance state should be success, failed or skipped, not ${JSON.stringify(body.new_state)}` });
    const altered = model.setState(dag, run, {
      taskId,
      newState: body.new_state,
      up: body.include_upstream === true,
      down: body.include_downstream === true,
      dryRun: rest.length === 3,
    });
    return ctx.send(200, { task_instances: altered.map((t) => tiJson(dagId, run, t, run.tasks.get(t)!)), total_entries: altered.length });
  }
  return ctx.unexpected();
}

function handleDag(req: AirflowRequest, ctx: DialectContext, dagId: string, dag: DagState, rest: string[]): void {
  if (req.method === 'GET' && rest.length === 1 && rest[0] === 'dagRuns') {
    const limit = intQuery(ctx, req, 'limit', 50);
    if (limit === undefined) return;
    const order = req.query.getAll('order_by');
    const bad = order.find((o) => !RUN_ORDER.has(o.replace(/^-/, '')));
    if (bad !== undefined) return ctx.send(400, { detail: `Ordering with '${bad}' is disallowed or the attribute does not exist on the model` });
    // The bot orders by -run_after; other orders are valid Airflow but not what it should send.
    if (order.join(',') !== '-run_after') return ctx.unexpected();
    const runs = ctx.model.runsOf(dag, req.query.getAll('state'));
    return ctx.send(200, { dag_runs: runs.slice(0, limit).map((r) => dagRunJson(dagId, r)), total_entries: runs.length });
  }
  if (req.method === 'POST' && rest.length === 1 && rest[0] === 'clearTaskInstances') {
    const body = req.body ?? {};
    if (unknownFields(ctx, body, CLEAR_FIELDS)) return;
    const run = typeof body.dag_run_id === 'string' ? dag.runs.get(body.dag_run_id) : undefined;
    if (!run) return ctx.send(404, { detail: `Dag Run id ${String(body.dag_run_id)} not found in dag ${dagId}` });
    const taskIds = Array.isArray(body.task_ids) ? body.task_ids.filter((t): t is string => typeof t === 'string') : [];
    // v2's defaults: dry_run true, only_failed true, reset_dag_runs true.
    const affected = ctx.model.clear(dag, run, {
      taskIds,
      up: body.include_upstream === true,
      down: body.include_downstream === true,
      onlyFailed: body.only_failed !== false,
      resetDagRuns: body.reset_dag_runs !== false,
      dryRun: body.dry_run !== false,
    });
    return ctx.send(200, { task_instances: affected.map((t) => tiJson(dagId, run, t, run.tasks.get(t)!)), total_entries: affected.length });
  }
  if (rest[0] === 'dagRuns' && rest[1] !== undefined) {
    const run = dag.runs.get(rest[1]);
    if (!run) return ctx.send(404, { detail: `The DagRun with dag_id: \`${dagId}\` and run_id: \`${rest[1]}\` was not found` });
    return handleRun(req, ctx, dagId, dag, run, rest.slice(2));
  }
  return ctx.unexpected();
}

/** The Airflow 3 dialect: tokens from `POST /auth/token` for these credentials, valid `tokenTtlSeconds`. */
export function airflowV2Dialect(credentials: { username: string; password: string }, tokenTtlSeconds = 3600, now: () => number = Date.now): AirflowDialect {
  const secret = randomUUID();
  const issued = new Set<string>();
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const issue = (): string => {
    const iat = Math.floor(now() / 1000);
    const unsigned = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ sub: credentials.username, iat, nbf: iat, exp: iat + tokenTtlSeconds, jti: randomUUID() })}`;
    const token = `${unsigned}.${createHmac('sha512', secret).update(unsigned).digest('base64url')}`;
    issued.add(token);
    return token;
  };
  const valid = (token: string): boolean => {
    if (!issued.has(token)) return false;
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && 'exp' in claims && Number(claims.exp) * 1000 > now();
  };
  return {
    generation: 2,
    authorize: (header) => ({ authorized: header?.startsWith('Bearer ') === true && valid(header.slice(7)), scheme: header?.split(' ')[0]?.toLowerCase() }),
    change: (r) =>
      r.method === 'POST' && r.path.endsWith('/clearTaskInstances') && r.body?.dry_run === false
        ? 'clear'
        : r.method === 'PATCH' && !r.path.endsWith('/dry_run')
          ? 'set-state'
          : undefined,
    notJson: { status: 422, body: { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error' }] } },
    revokeTokens: () => issued.clear(),
    handle(req: AirflowRequest, _res: ServerResponse, ctx: DialectContext) {
      const parts = req.path.split('/').map(decodeURIComponent);
      if (req.path === '/auth/token' && req.method === 'POST') {
        const body = req.body ?? {};
        if (typeof body.username !== 'string' || typeof body.password !== 'string') return invalid(ctx, ['body', 'username'], 'Field required', 'missing');
        if (body.username !== credentials.username || body.password !== credentials.password) return ctx.send(401, { detail: 'Invalid credentials' });
        return ctx.send(201, { access_token: issue() });
      }
      if (parts[1] === 'api' && parts[2] === 'v1') return ctx.foreign();
      if (parts[1] !== 'api' || parts[2] !== 'v2') return ctx.unexpected();
      if (req.method === 'GET' && parts.length === 4 && parts[3] === 'version') return ctx.send(200, { version: '3.1.3', git_version: null });
      if (parts[3] !== 'dags' || parts[4] === undefined) return ctx.unexpected();
      if (!req.authorized) return ctx.send(401, { detail: 'Not authenticated' });
      const dag = ctx.model.dags.get(parts[4]);
      if (!dag) return ctx.send(404, { detail: `The Dag with ID: \`${parts[4]}\` was not found` });
      handleDag(req, ctx, parts[4], dag, parts.slice(5));
    },
  };
}

/** Starts an Airflow 3 fake; API requests must carry a bearer token issued by its `POST /auth/token`. */
export function startAirflowV2Fake(
  credentials = { username: 'bot', password: 'secret' },
  options: { tokenTtlSeconds?: number; now?: () => number } = {},
): Promise<AirflowFake> {
  return startAirflowFakeServer(airflowV2Dialect(credentials, options.tokenTtlSeconds, options.now));
}

/** Either generation's fake: 'v1' is Airflow 2, 'v2' is Airflow 3 (for suites run against both). */
export function startAirflowFakeFor(api: 'v1' | 'v2', credentials = { username: 'bot', password: 'secret' }): Promise<AirflowFake> {
  return api === 'v1' ? startAirflowFake(credentials) : startAirflowV2Fake(credentials);
}
