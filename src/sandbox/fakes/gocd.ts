import type { IncomingHttpHeaders } from 'node:http';
import { startHttpServer } from './http-server';

/** A GET the fake received. */
export interface GoCdRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

/** How a run of the fake looks, in our words; `gocdInstance` turns it into GoCD's JSON. */
export interface FakeRunSpec {
  pipeline: string;
  counter: number;
  /** Full git SHA built by the run (omit for a pipeline fed only by upstream pipelines). */
  sha?: string;
  author?: string;
  message?: string;
  /** Default: `counter` hours after 2026-11-20T00:00Z. */
  scheduledAt?: Date;
  /** Default: passed. */
  state?: 'passed' | 'failed' | 'building' | 'scheduled' | 'cancelled';
  /** Upstream pipeline materials, e.g. `metapod/41/release/1`. */
  upstream?: string[];
}

/**
 * One pipeline instance in the shape of GoCD's pipeline history API v1
 * (`GET /go/api/pipelines/:name/history`, example response at https://api.gocd.org/current/#get-pipeline-history;
 * field names and nesting follow that example, values are ours).
 */
export function gocdInstance(spec: FakeRunSpec): Record<string, unknown> {
  const scheduled = (spec.scheduledAt ?? new Date(Date.UTC(2026, 10, 20) + spec.counter * 3_600_000)).getTime();
  const state = spec.state ?? 'passed';
  const materialRevisions: Record<string, unknown>[] = [];
  if (spec.sha) {
    materialRevisions.push({
      changed: true,
      material: {
        name: `https://github.com/nubank/${spec.pipeline}.git`,
        fingerprint: `fp-${spec.pipeline}`,
        type: 'Git',
        description: `URL: https://github.com/nubank/${spec.pipeline}.git, Branch: master`,
      },
      modifications: [
        {
          email_address: null,
          id: spec.counter * 10,
          modified_time: scheduled - 60_000,
          user_name: spec.author ?? 'Dev <dev@example.com>',
          comment: spec.message ?? `change ${spec.counter}`,
          revision: spec.sha,
        },
      ],
    });
  }
  for (const up of spec.upstream ?? []) {
    materialRevisions.push({
      changed: true,
      material: { name: up.split('/')[0], fingerprint: `fp-${up}`, type: 'Pipeline', description: up.split('/')[0] },
      modifications: [{ email_address: null, id: 1, modified_time: scheduled - 30_000, user_name: 'Unknown', comment: 'Unknown', revision: up }],
    });
  }
  const job = (s: string): Record<string, unknown> => ({
    name: 'build',
    scheduled_date: scheduled,
    state: { passed: 'Completed', failed: 'Completed', cancelled: 'Completed', building: 'Building', scheduled: 'Scheduled' }[s],
    result: { passed: 'Passed', failed: 'Failed', cancelled: 'Cancelled', building: 'Unknown', scheduled: 'Unknown' }[s],
  });
  const stageStatus = { passed: 'Passed', failed: 'Failed', cancelled: 'Cancelled', building: 'Building', scheduled: 'Building' }[state];
  return {
    name: spec.pipeline,
    counter: spec.counter,
    label: String(spec.counter),
    natural_order: spec.counter,
    can_run: state !== 'building' && state !== 'scheduled',
    preparing_to_schedule: false,
    comment: null,
    scheduled_date: scheduled,
    build_cause: {
      trigger_message: spec.sha ? `modified by ${spec.author ?? 'Dev <dev@example.com>'}` : 'triggered by upstream',
      trigger_forced: false,
      approver: '',
      material_revisions: materialRevisions,
    },
    stages: [
      {
        result: job(state).result,
        status: stageStatus,
        rerun_of_counter: null,
        id: spec.counter * 2,
        name: 'build',
        counter: '1',
        scheduled: true,
        approval_type: 'success',
        approved_by: 'changes',
        operate_permission: true,
        can_run: true,
        jobs: [job(state)],
      },
      state === 'passed'
        ? {
            result: 'Passed',
            status: 'Passed',
            rerun_of_counter: null,
            id: spec.counter * 2 + 1,
            name: 'release',
            counter: '1',
            scheduled: true,
            approval_type: 'success',
            approved_by: 'changes',
            operate_permission: true,
            can_run: true,
            jobs: [job('passed')],
          }
        : {
            result: 'Unknown',
            status: 'Unknown',
            rerun_of_counter: null,
            id: 0,
            name: 'release',
            counter: '1',
            scheduled: false,
            approval_type: 'success',
            approved_by: null,
            operate_permission: true,
            can_run: false,
            jobs: [],
          },
    ],
  };
}

/** A running strict GoCD fake: only pipeline history GETs are expected. */
export interface GoCdFake {
  /** Base URL including `/go`, as GOCD_URL is configured. */
  url: string;
  requests: GoCdRequest[];
  unexpected: string[];
  /** Replaces a pipeline's runs (any order; served newest first). */
  setRuns(pipeline: string, runs: FakeRunSpec[]): void;
  /** Answers every request for this pipeline with this status and body (e.g. 500). */
  failPipeline(pipeline: string, status: number, body: string): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

const HISTORY_PATH = /^\/go\/api\/pipelines\/([^/]+)\/history$/;

/** Starts a GoCD fake; `token` (when given) must arrive as `Authorization: bearer <token>`. */
export async function startGoCdFake(options: { token?: string } = {}): Promise<GoCdFake> {
  const runs = new Map<string, FakeRunSpec[]>();
  const failures = new Map<string, { status: number; body: string }>();
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = HISTORY_PATH.exec(url.pathname);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/vnd.go.cd.v1+json; charset=utf-8' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || !match) {
      fake.unexpected.push(`${req.method ?? '?'} ${url.pathname}${url.search}`);
      return json(404, { message: 'Either the resource you requested was not found, or you are not authorized to perform this action.' });
    }
    const pipeline = decodeURIComponent(match[1]!);
    fake.requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    if (!String(req.headers.accept ?? '').includes('application/vnd.go.cd')) {
      fake.unexpected.push(`GET ${url.pathname} without a GoCD API Accept header`);
      return json(404, { message: 'The url you are trying to reach appears to be incorrect.' });
    }
    if (options.token && req.headers.authorization !== `bearer ${options.token}`) return json(401, { message: 'You are not authenticated!' });
    const failure = failures.get(pipeline);
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'text/plain' }).end(failure.body);
      return;
    }
    const all = runs.get(pipeline);
    if (!all) return json(404, { message: 'Either the resource you requested was not found, or you are not authorized to perform this action.' });
    const pageSize = Number(url.searchParams.get('page_size') ?? '10');
    if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 100)
      return json(422, { message: "The query parameter 'page_size', if specified must be a number between 10 and 100." });
    const after = url.searchParams.get('after');
    const newestFirst = [...all].sort((a, b) => b.counter - a.counter).filter((r) => after === null || r.counter < Number(after));
    const page = newestFirst.slice(0, pageSize);
    const more = newestFirst.length > pageSize;
    const self = `${server.url}${url.pathname}`;
    json(200, {
      _links: { ...(more ? { next: { href: `${self}?after=${page.at(-1)!.counter}&page_size=${pageSize}` } } : {}) },
      pipelines: page.map(gocdInstance),
    });
  });

  const fake: GoCdFake = {
    url: `${server.url}/go`,
    requests: [],
    unexpected: [],
    setRuns: (pipeline, list) => {
      runs.set(
        pipeline,
        list.map((r) => ({ ...r, pipeline })),
      );
    },
    failPipeline: (pipeline, status, body) => {
      failures.set(pipeline, { status, body });
    },
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) throw new Error(`GoCD fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}
