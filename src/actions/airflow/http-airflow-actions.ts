import type { z } from 'zod';
import { BackendError, networkError, summarizeBody } from '../http/errors';
import { pathSegment } from '../http/path-segment';
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
import {
  DagRunCollectionSchema,
  DagRunSchema,
  ProblemSchema,
  TaskInstanceCollectionSchema,
  TaskInstanceRefCollectionSchema,
  toDagRun,
  toRef,
  toTaskInstance,
} from './airflow-schemas';

export interface AirflowHttpOptions {
  /** Webserver base URL; the API is at `<url>/api/v1`. */
  url: string;
  username?: string;
  password?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

const PAGE = 100;
/** A runaway DAG must not make the bot page forever. */
const MAX_PAGES = 50;
/** Logs can be huge; we read at most this much of one before keeping only its end. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;

// Every identifier is one path segment: `.`/`..` are refused before any request (issue 16).
const seg = (value: string): string => pathSegment('Airflow', 'identifier', value);

/** Airflow's stable REST API over Node's fetch, with basic auth. */
export class HttpAirflowActions implements AirflowActions {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly authorization?: string;

  constructor(options: AirflowHttpOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (options.username !== undefined) {
      this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
  }

  apiUrl(path: string): string {
    return `${this.baseUrl}/api/v1${path}`;
  }

  async listDagRuns(dagId: string, options: ListDagRunsOptions = {}, signal?: AbortSignal): Promise<DagRun[]> {
    const query = new URLSearchParams({ order_by: '-execution_date', limit: String(Math.min(Math.max(options.limit ?? 5, 1), 100)) });
    for (const state of options.states ?? []) query.append('state', state);
    const body = await this.json('GET', `/dags/${seg(dagId)}/dagRuns?${query.toString()}`, DagRunCollectionSchema, undefined, signal);
    return body.dag_runs.map(toDagRun);
  }

  async getDagRun(dagId: string, dagRunId: string, signal?: AbortSignal): Promise<DagRun> {
    return toDagRun(await this.json('GET', `/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}`, DagRunSchema, undefined, signal));
  }

  async listTaskInstances(dagId: string, dagRunId: string, options: { states?: Exclude<TaskState, null>[] } = {}, signal?: AbortSignal): Promise<TaskInstance[]> {
    const all: TaskInstance[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE), offset: String(page * PAGE) });
      for (const state of options.states ?? []) query.append('state', state);
      const path = `/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}/taskInstances?${query.toString()}`;
      const body = await this.json('GET', path, TaskInstanceCollectionSchema, undefined, signal);
      all.push(...body.task_instances.map((ti) => toTaskInstance(ti, dagRunId)));
      const total = body.total_entries ?? all.length;
      if (body.task_instances.length < PAGE || all.length >= total) break;
    }
    return all;
  }

  async getTaskLog(dagId: string, dagRunId: string, taskId: string, tryNumber: number, options: { maxChars?: number } = {}, signal?: AbortSignal): Promise<TaskLog> {
    const maxChars = options.maxChars ?? 4000;
    const path = `/dags/${seg(dagId)}/dagRuns/${seg(dagRunId)}/taskInstances/${seg(taskId)}/logs/${tryNumber}?full_content=true`;
    const text = await this.request('GET', path, undefined, signal, 'text/plain', MAX_LOG_BYTES);
    const truncated = text.length > maxChars;
    return { taskId, tryNumber, excerpt: truncated ? text.slice(text.length - maxChars) : text, truncated };
  }

  async clearTaskInstances(dagId: string, request: ClearTaskInstancesRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    const payload = {
      dry_run: request.dryRun,
      dag_run_id: request.dagRunId,
      task_ids: request.taskIds,
      include_downstream: request.includeDownstream ?? false,
      include_upstream: request.includeUpstream ?? false,
      only_failed: request.onlyFailed ?? false,
      reset_dag_runs: request.resetDagRuns ?? true,
    };
    const body = await this.json('POST', `/dags/${seg(dagId)}/clearTaskInstances`, TaskInstanceRefCollectionSchema, payload, signal);
    return body.task_instances.map(toRef);
  }

  async setTaskInstanceState(dagId: string, request: SetTaskInstanceStateRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    const payload = {
      dry_run: request.dryRun,
      dag_run_id: request.dagRunId,
      task_id: request.taskId,
      new_state: request.newState,
      include_downstream: request.includeDownstream ?? false,
      include_upstream: request.includeUpstream ?? false,
      include_future: false,
      include_past: false,
    };
    const body = await this.json('POST', `/dags/${seg(dagId)}/updateTaskInstancesState`, TaskInstanceRefCollectionSchema, payload, signal);
    return body.task_instances.map(toRef);
  }

  private async json<S extends z.ZodType>(method: string, path: string, schema: S, payload: unknown, signal?: AbortSignal): Promise<z.infer<S>> {
    const text = await this.request(method, path, payload, signal, 'application/json', 16 * 1024 * 1024);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const where = result.error.issues[0]?.path.join('.') || 'the body';
      throw new BackendError('Airflow', 'http_status', `Airflow answered ${method} ${path.split('?')[0]} with something the bot does not understand (${where}): ${summarizeBody(text, 200)}. Is AIRFLOW_URL the webserver (API at /api/v1)?`, 200, summarizeBody(text));
    }
    return result.data;
  }

  /** One request; returns the body text of a 2xx answer or throws BackendError. */
  private async request(method: string, path: string, payload: unknown, signal: AbortSignal | undefined, accept: string, maxBytes: number): Promise<string> {
    const url = this.apiUrl(path);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = { accept };
    if (this.authorization) headers.authorization = this.authorization;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: payload === undefined ? undefined : JSON.stringify(payload),
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await readBounded(response, maxBytes);
    } catch (err) {
      throw networkError('Airflow', url, err, this.timeoutMs, signal);
    }
    if (response.status >= 200 && response.status < 300) return text;
    throw statusError(method, path, response.status, response.statusText, text);
  }
}

/** Reads at most `maxBytes` of a body, keeping its END (a log's error is at the end). */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buf = Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    while (size > maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusError(method: string, path: string, status: number, statusText: string, text: string): BackendError {
  const problem = ProblemSchema.safeParse(safeJson(text));
  const said = problem.success && (problem.data.detail ?? problem.data.title) ? (problem.data.detail ?? problem.data.title)! : summarizeBody(text, 200);
  const where = `${method} ${path.split('?')[0]}`;
  let message = `Airflow answered ${status} ${statusText} to ${where}: ${said}`;
  if (status === 401) message = `Airflow refused the bot's credentials (401) for ${where}. Check AIRFLOW_USERNAME and AIRFLOW_PASSWORD.`;
  if (status === 403) message = `Airflow's user for the bot may not do ${where} (403): ${said}. Ask an Airflow admin to grant the permission.`;
  return new BackendError('Airflow', 'http_status', message, status, summarizeBody(text));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
