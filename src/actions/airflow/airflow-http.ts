import type { z } from 'zod';
import { BackendClient, parseAnswer, type BackendAnswer, type BackendRequest } from '../http/backend-client';
import { BackendError } from '../http/errors';
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
  if (!Number.isInteger(tryNumber) || tryNumber < 0)
    throw new BackendError('Airflow', 'invalid_url', `Refused to call Airflow: ${tryNumber} is not a try number.`);
  return String(tryNumber);
}

/** One generation's transport: base path, authentication, deadline on every call, errors in words. */
export class AirflowHttp {
  private readonly client: BackendClient;

  constructor(
    readonly generation: 1 | 2,
    readonly baseUrl: string,
    private readonly auth: AirflowAuth,
    readonly timeoutMs: number,
    secrets: readonly string[] = [],
  ) {
    this.client = new BackendClient({
      backend: 'Airflow',
      timeoutMs,
      maxBytes: MAX_JSON_BYTES,
      secrets,
      auth: async (signal): Promise<Record<string, string>> => {
        const authorization = await auth.header(signal);
        return authorization ? { authorization } : {};
      },
    });
  }

  /** The URL of an API path, e.g. `/dags/dagao/dagRuns` → `<url>/api/v2/dags/dagao/dagRuns`. */
  apiUrl(path: string): string {
    return `${this.baseUrl}/api/v${this.generation}${path}`;
  }

  /** A request whose 2xx JSON answer must match `schema`; anything else is a BackendError saying why. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, o: RequestOptions = {}): Promise<z.infer<S>> {
    const answer = await this.answer(method, path, { ...o, accept: 'application/json', maxBytes: o.maxBytes ?? MAX_JSON_BYTES });
    return parseAnswer('Airflow', schema, answer, `Is AIRFLOW_URL the Airflow webserver / API server (API at /api/v${this.generation})?`);
  }

  /** One request; returns the body of a 2xx answer. A 401 renews a token once and retries. */
  async request(method: string, path: string, o: RequestOptions): Promise<string> {
    return (await this.answer(method, path, o)).text;
  }

  private async answer(method: string, path: string, o: RequestOptions): Promise<BackendAnswer> {
    const req: BackendRequest = {
      method,
      url: this.apiUrl(path),
      accept: o.accept,
      json: o.payload,
      maxBytes: o.maxBytes,
      keepEnd: o.keepEnd,
      signal: o.signal,
    };
    let answer = await this.client.send(req);
    if (answer.status === 401 && this.auth.renew()) answer = await this.client.send(req);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const err = airflowStatusError(this.generation, method, path, answer.status, answer.statusText, answer.text);
    err.message = answer.redact(err.message);
    throw err;
  }
}
