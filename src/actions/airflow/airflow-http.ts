import type { z } from 'zod';
import { BackendError, networkError, summarizeBody } from '../http/errors';
import { pathSegment } from '../http/path-segment';
import type { AirflowAuth } from './airflow-auth';
import { airflowStatusError } from './airflow-errors';

/** JSON bodies larger than this are refused rather than read into memory. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

export interface RequestOptions {
  payload?: unknown;
  accept?: string;
  maxBytes?: number;
  /** Keep the END of a body larger than maxBytes (plain-text logs) instead of refusing it. */
  keepEnd?: boolean;
  signal?: AbortSignal;
}

/** `/dags/{dag_id}/dagRuns/{dag_run_id}/...` with every id as exactly one path segment. */
export function dagPath(dagId: string, dagRunId?: string, ...rest: string[]): string {
  let path = `/dags/${pathSegment('Airflow', 'DAG id', dagId)}`;
  if (dagRunId !== undefined) path += `/dagRuns/${pathSegment('Airflow', 'DAG run id', dagRunId)}`;
  for (const part of rest) path += `/${part}`;
  return path;
}

/** A task id as exactly one path segment. */
export function taskSegment(taskId: string): string {
  return pathSegment('Airflow', 'task id', taskId);
}

/** A try number as a path segment (a non-negative integer, nothing else). */
export function trySegment(tryNumber: number): string {
  if (!Number.isInteger(tryNumber) || tryNumber < 0) throw new BackendError('Airflow', 'invalid_url', `Refused to call Airflow: ${tryNumber} is not a try number.`);
  return String(tryNumber);
}

/** One generation's transport: base path, authentication, deadline on every call, errors in words. */
export class AirflowHttp {
  constructor(
    readonly generation: 1 | 2,
    readonly baseUrl: string,
    private readonly auth: AirflowAuth,
    readonly timeoutMs: number,
  ) {}

  /** The URL of an API path, e.g. `/dags/dagao/dagRuns` → `<url>/api/v2/dags/dagao/dagRuns`. */
  apiUrl(path: string): string {
    return `${this.baseUrl}/api/v${this.generation}${path}`;
  }

  /** A request whose 2xx JSON answer must match `schema`; anything else is a BackendError saying why. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, o: RequestOptions = {}): Promise<z.infer<S>> {
    const text = await this.request(method, path, { ...o, accept: 'application/json', maxBytes: o.maxBytes ?? MAX_JSON_BYTES });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const where = result.error.issues[0]?.path.join('.') || 'the body';
      throw new BackendError(
        'Airflow',
        'http_status',
        `Airflow answered ${method} ${path.split('?')[0]} with something the bot does not understand (${where}): ${summarizeBody(text, 200)}. Is AIRFLOW_URL the Airflow webserver / API server (API at /api/v${this.generation})?`,
        200,
        summarizeBody(text),
      );
    }
    return result.data;
  }

  /** One request; returns the body of a 2xx answer. A 401 renews a token once and retries. */
  async request(method: string, path: string, o: RequestOptions): Promise<string> {
    let answer = await this.once(method, path, o);
    if (answer.status === 401 && this.auth.renew()) answer = await this.once(method, path, o);
    if (answer.status >= 200 && answer.status < 300) return answer.text;
    throw airflowStatusError(this.generation, method, path, answer.status, answer.statusText, answer.text);
  }

  private async once(method: string, path: string, o: RequestOptions): Promise<{ status: number; statusText: string; text: string }> {
    const url = this.apiUrl(path);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: o.accept ?? 'application/json' };
    const authorization = await this.auth.header(signal);
    if (authorization) headers.authorization = authorization;
    if (o.payload !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(url, { method, headers, body: o.payload === undefined ? undefined : JSON.stringify(o.payload), redirect: 'manual', signal });
      const text = await readBounded(response, o.maxBytes ?? MAX_JSON_BYTES, o.keepEnd === true, `${method} ${path.split('?')[0]}`);
      return { status: response.status, statusText: response.statusText, text };
    } catch (err) {
      if (err instanceof BackendError) throw err;
      throw networkError('Airflow', url, err, this.timeoutMs, o.signal);
    }
  }
}

/** Reads at most `maxBytes` of a body: keeps its END when `keepEnd` (a log's error is at the end), else refuses it. */
async function readBounded(response: Response, maxBytes: number, keepEnd: boolean, where: string): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buf = Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    if (size > maxBytes && !keepEnd) {
      // Leaving the loop cancels the rest of the body.
      throw new BackendError('Airflow', 'http_status', `Airflow's answer to ${where} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; the bot does not read it.`, response.status);
    }
    while (size > maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
