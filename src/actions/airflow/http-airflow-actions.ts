import { BackendClient, parseAnswer } from '../http/backend-client';
import { BackendError } from '../http/errors';
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
import { basicAuth, NO_AUTH, tokenAuth } from './airflow-auth';
import { AirflowHttp } from './airflow-http';
import { VersionInfoSchema } from './airflow-schemas';
import { AirflowV1Client } from './airflow-v1-client';
import { AirflowV2Client } from './airflow-v2-client';

/** AIRFLOW_API_VERSION: `auto` probes the server once; `1` is Airflow 2 (`/api/v1`), `2` is Airflow 3 (`/api/v2`). */
export type AirflowApiVersion = 'auto' | '1' | '2';

export interface AirflowHttpOptions {
  /** Webserver (Airflow 2) or API server (Airflow 3) base URL. */
  url: string;
  username?: string;
  password?: string;
  /** Default `auto`. */
  apiVersion?: AirflowApiVersion;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Where the detected generation is reported (once). */
  log?: (fields: Record<string, unknown>, message: string) => void;
  now?: () => number;
}

type GenerationClient = AirflowV1Client | AirflowV2Client;
type Probe = { kind: 'found'; version?: string } | { kind: 'absent' };

/**
 * Airflow's REST API, either generation, behind one interface. In auto mode the first call probes
 * `GET /api/v2/version`, then `GET /api/v1/version`, without credentials (so Basic credentials never reach an
 * Airflow 3 server), and remembers the answer; a probe that fails (network, 5xx) is retried at the next call.
 */
export class HttpAirflowActions implements AirflowActions {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly probeClient: BackendClient;
  private client?: GenerationClient;
  private detecting?: Promise<GenerationClient>;

  constructor(private readonly options: AirflowHttpOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    // Anonymous: Basic credentials must never reach a server before its generation is known.
    this.probeClient = new BackendClient({ backend: 'Airflow', timeoutMs: this.timeoutMs });
    if (options.apiVersion === '1' || options.apiVersion === '2') this.client = this.clientFor(options.apiVersion === '1' ? 1 : 2);
  }

  /** The URL of an API path in the generation in use (v2 until one was detected, for previews only). */
  apiUrl(path: string): string {
    return this.client ? this.client.apiUrl(path) : `${this.baseUrl}/api/v2${path}`;
  }

  async apiGeneration(signal?: AbortSignal): Promise<1 | 2> {
    return (await this.use(signal)).apiGeneration();
  }

  bypassRequests(dagId: string, dagRunId: string, taskIds: readonly string[]): string[] {
    if (!this.client) throw new BackendError('Airflow', 'invalid_url', 'The Airflow API generation is not known yet (no call has reached Airflow).');
    return this.client.bypassRequests(dagId, dagRunId, taskIds);
  }

  async listDagRuns(dagId: string, options?: ListDagRunsOptions, signal?: AbortSignal): Promise<DagRun[]> {
    return (await this.use(signal)).listDagRuns(dagId, options, signal);
  }

  async getDagRun(dagId: string, dagRunId: string, signal?: AbortSignal): Promise<DagRun> {
    return (await this.use(signal)).getDagRun(dagId, dagRunId, signal);
  }

  async listTaskInstances(dagId: string, dagRunId: string, options?: { states?: Exclude<TaskState, null>[] }, signal?: AbortSignal): Promise<TaskInstance[]> {
    return (await this.use(signal)).listTaskInstances(dagId, dagRunId, options, signal);
  }

  async getTaskLog(
    dagId: string,
    dagRunId: string,
    taskId: string,
    tryNumber: number,
    options?: { maxChars?: number },
    signal?: AbortSignal,
  ): Promise<TaskLog> {
    return (await this.use(signal)).getTaskLog(dagId, dagRunId, taskId, tryNumber, options, signal);
  }

  async clearTaskInstances(dagId: string, request: ClearTaskInstancesRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    return (await this.use(signal)).clearTaskInstances(dagId, request, signal);
  }

  async setTaskInstanceState(dagId: string, request: SetTaskInstanceStateRequest, signal?: AbortSignal): Promise<TaskInstanceRef[]> {
    return (await this.use(signal)).setTaskInstanceState(dagId, request, signal);
  }

  private clientFor(generation: 1 | 2): GenerationClient {
    const { username, password } = this.options;
    if (generation === 1) {
      const auth = username === undefined ? NO_AUTH : basicAuth(username, password ?? '');
      return new AirflowV1Client(new AirflowHttp(1, this.baseUrl, auth, this.timeoutMs));
    }
    const auth =
      username === undefined
        ? NO_AUTH
        : tokenAuth({ baseUrl: this.baseUrl, username, password: password ?? '', timeoutMs: this.timeoutMs, now: this.options.now });
    return new AirflowV2Client(new AirflowHttp(2, this.baseUrl, auth, this.timeoutMs));
  }

  private use(signal?: AbortSignal): Promise<GenerationClient> {
    if (this.client) return Promise.resolve(this.client);
    this.detecting ??= this.detect(signal).then(
      (client) => {
        this.client = client;
        return client;
      },
      (err: unknown) => {
        this.detecting = undefined;
        throw err;
      },
    );
    return this.detecting;
  }

  private async detect(signal?: AbortSignal): Promise<GenerationClient> {
    const v2 = await this.probe(2, signal);
    const v1 = v2.kind === 'found' ? undefined : await this.probe(1, signal);
    const found = v2.kind === 'found' ? { generation: 2 as const, probe: v2 } : v1?.kind === 'found' ? { generation: 1 as const, probe: v1 } : undefined;
    if (!found) {
      throw new BackendError(
        'Airflow',
        'http_status',
        `Neither /api/v2/version nor /api/v1/version exists at ${this.baseUrl}: is AIRFLOW_URL the Airflow webserver (Airflow 2) or API server (Airflow 3)?`,
        404,
      );
    }
    this.options.log?.(
      { airflowUrl: this.baseUrl, apiVersion: found.generation, airflowVersion: found.probe.version ?? 'unknown' },
      `Airflow API detected: /api/v${found.generation} (Airflow ${found.probe.version ?? (found.generation === 2 ? '3' : '2')})`,
    );
    return this.clientFor(found.generation);
  }

  /** `GET /api/v<n>/version` (operationId get_version) without credentials: 2xx VersionInfo, 401/403 = the route exists, 404 = absent. */
  private async probe(generation: 1 | 2, signal?: AbortSignal): Promise<Probe> {
    const answer = await this.probeClient.send({ url: `${this.baseUrl}/api/v${generation}/version`, anonymous: true, signal });
    if (answer.status === 404) return { kind: 'absent' };
    if (answer.status === 401 || answer.status === 403) return { kind: 'found' };
    if (answer.status < 200 || answer.status >= 300) {
      throw new BackendError(
        'Airflow',
        'http_status',
        `Airflow answered ${answer.status} to GET /api/v${generation}/version while the bot was finding out which API it speaks; try again later.`,
        answer.status,
      );
    }
    const info = parseAnswer(
      'Airflow',
      VersionInfoSchema,
      answer,
      `GET /api/v${generation}/version at ${this.baseUrl} did not answer with Airflow's version: is AIRFLOW_URL Airflow?`,
    );
    return { kind: 'found', version: info.version };
  }
}
