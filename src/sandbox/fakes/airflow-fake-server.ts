import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from './http-server';
import { AirflowModel, type FakeRunSpec, type FakeTaskState } from './airflow-model';

export interface AirflowRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body. */
  body: Record<string, unknown> | undefined;
  /** The request carried this generation's valid credentials. */
  authorized: boolean;
  /** The Authorization scheme it carried (`basic`, `bearer`), if any. */
  scheme?: string;
  headers: IncomingMessage['headers'];
}

/** Answer this request differently (e.g. a 500); return undefined to let the fake answer normally. */
export type AirflowOverride = (req: AirflowRequest) => { status: number; body: unknown } | { hang: true } | undefined;

/** What a test sees of either generation's fake. */
export interface AirflowFake {
  /** 1: Airflow 2 (`/api/v1`, Basic auth); 2: Airflow 3 (`/api/v2`, JWT). */
  generation: 1 | 2;
  url: string;
  requests: AirflowRequest[];
  /** Requests to routes the fake does not serve (a test fails on these). */
  unexpected: string[];
  /** Requests to the other generation's routes, answered 404 as the real server does (the auto-detection probe lands here). */
  foreign: string[];
  /** Defines a DAG: each task with the tasks directly downstream of it. */
  addDag(dagId: string, downstream: Record<string, string[]>): void;
  addRun(dagId: string, run: FakeRunSpec): void;
  taskState(dagId: string, dagRunId: string, taskId: string): FakeTaskState | undefined;
  runState(dagId: string, dagRunId: string): string | undefined;
  /** Requests that changed something (not dry runs). */
  mutations(): AirflowRequest[];
  /** The same, as what they did, in order: comparable across generations. */
  changes(): ('set-state' | 'clear')[];
  /** Invalidates every issued token (Airflow 3; a restart with a new secret key). No-op on Airflow 2. */
  revokeTokens(): void;
  override(fn: AirflowOverride | undefined): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/** The generation-specific part of a fake. */
export interface AirflowDialect {
  generation: 1 | 2;
  /** Whether the request's Authorization header is valid (and its scheme). */
  authorize(header: string | undefined): { authorized: boolean; scheme?: string };
  /** Which change a request made, if it was not a dry run. */
  change(req: AirflowRequest): 'set-state' | 'clear' | undefined;
  /** Answers a request; calls `ctx.unexpected()` / `ctx.foreign()` for routes it does not serve. */
  handle(req: AirflowRequest, res: ServerResponse, ctx: DialectContext): void;
  /** The error body for a request body that is not JSON. */
  notJson: { status: number; body: unknown };
  revokeTokens?(): void;
}

export interface DialectContext {
  model: AirflowModel;
  send(status: number, body: unknown, type?: string): void;
  unexpected(): void;
  foreign(): void;
}

/** Starts a loopback fake speaking `dialect`, backed by a fresh model. */
export async function startAirflowFakeServer(dialect: AirflowDialect): Promise<AirflowFake> {
  const model = new AirflowModel();
  let overrideFn: AirflowOverride | undefined;
  const describe = (r: AirflowRequest): string => `${r.method} ${r.path}${r.query.size > 0 ? `?${r.query.toString()}` : ''}`;

  const server = await startHttpServer((req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    let body: Record<string, unknown> | undefined;
    if (raw !== '') {
      try {
        const parsed: unknown = JSON.parse(raw);
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.fromEntries(Object.entries(parsed)) : {};
      } catch {
        fake.unexpected.push(`${req.method ?? '?'} ${url.pathname} with a body that is not JSON`);
        return send(dialect.notJson.status, dialect.notJson.body);
      }
    }
    const auth = dialect.authorize(req.headers.authorization);
    const request: AirflowRequest = { method: req.method ?? '?', path: url.pathname, query: url.searchParams, body, headers: req.headers, ...auth };
    fake.requests.push(request);
    const over = overrideFn?.(request);
    if (over && 'hang' in over) return;
    if (over) return send(over.status, over.body, typeof over.body === 'string' ? 'text/plain' : 'application/json');
    dialect.handle(request, res, {
      model,
      send,
      unexpected: () => {
        fake.unexpected.push(describe(request));
        send(404, { detail: 'Not Found' });
      },
      foreign: () => {
        fake.foreign.push(describe(request));
        send(404, { detail: 'Not Found' });
      },
    });
  });

  const fake: AirflowFake = {
    generation: dialect.generation,
    url: server.url,
    requests: [],
    unexpected: [],
    foreign: [],
    addDag: (dagId, downstream) => model.addDag(dagId, downstream),
    addRun: (dagId, spec) => model.addRun(dagId, spec),
    taskState: (dagId, runId, taskId) => model.run(dagId, runId)?.tasks.get(taskId)?.state,
    runState: (dagId, runId) => model.run(dagId, runId)?.state,
    mutations: () => fake.requests.filter((r) => dialect.change(r) !== undefined),
    changes: () => fake.requests.map((r) => dialect.change(r)).filter((c) => c !== undefined),
    revokeTokens: () => dialect.revokeTokens?.(),
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
