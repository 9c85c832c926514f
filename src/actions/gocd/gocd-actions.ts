import { BackendClient, type BackendAnswer } from '../http/backend-client';
import { BackendError } from '../http/errors';
import { pathSegment } from '../http/path-segment';
import { PipelineHistory, type PipelineInstance } from './gocd-schema';

/** Where a pipeline run is: still going, or how it ended. */
export type GoCdRunState = 'running' | 'passed' | 'failed' | 'cancelled' | 'unknown';

/** One commit that went into a run (the newest modification of a material). */
export interface GoCdCommit {
  /** The full revision (a 40-character SHA for git). */
  revision: string;
  /** As GoCD gives it, e.g. `Jane Doe <jane@example.com>`. */
  author?: string;
  message?: string;
  material?: string;
}

/** One run (instance) of a pipeline. */
export interface GoCdRun {
  pipeline: string;
  /** The build number (pipeline counter). */
  counter: number;
  label: string;
  /** ISO time the run was scheduled, when GoCD says. */
  scheduledAt?: string;
  /** The git commit built (first git material), when there is one. */
  commit?: GoCdCommit;
  /** Every material's newest modification. */
  commits: GoCdCommit[];
  state: GoCdRunState;
  /** Stages with their status, e.g. `build: Passed`. */
  stages: { name: string; status: string }[];
  triggeredBy?: string;
}

/** The GoCD calls the runbooks use (read-only). */
export interface GoCdActions {
  /** The history page people open in a browser (shown in messages). */
  historyPageUrl(pipeline: string): string;
  /** The newest `limit` runs of a pipeline, newest first. */
  pipelineHistory(pipeline: string, options?: { limit?: number; signal?: AbortSignal }): Promise<GoCdRun[]>;
  /** The runs of a pipeline that are in progress right now (empty when none). */
  runningRuns(pipeline: string, signal?: AbortSignal): Promise<GoCdRun[]>;
  /** Every run scheduled at or after `since` across these pipelines, newest first. */
  runsSince(pipelines: string[], since: Date, signal?: AbortSignal): Promise<GoCdRun[]>;
}

const ACCEPT = 'application/vnd.go.cd.v1+json';
const PAGE_SIZE = 10; // GoCD accepts 10 to 100
const MAX_PAGES = 20; // bounds a walk through a very long history
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const ACTIVE_JOB_STATES = new Set(['scheduled', 'assigned', 'preparing', 'building', 'completing', 'rescheduled', 'waiting']);

/** GoCD's REST API over HTTP with Node's fetch. */
export class HttpGoCdActions implements GoCdActions {
  private readonly baseUrl: string;
  private readonly http: BackendClient;

  /** `baseUrl` includes `/go`, e.g. `https://go.example.com/go`. */
  constructor(baseUrl: string, token: string | undefined, timeoutMs = 15_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.http = new BackendClient({
      backend: 'GoCD',
      timeoutMs,
      maxBytes: MAX_BODY_BYTES,
      auth: (): Record<string, string> => (token ? { authorization: `bearer ${token}` } : {}),
    });
  }

  historyPageUrl(pipeline: string): string {
    return `${this.baseUrl}/tab/pipeline/history/${pathSegment('GoCD', 'pipeline', pipeline)}`;
  }

  async pipelineHistory(pipeline: string, options: { limit?: number; signal?: AbortSignal } = {}): Promise<GoCdRun[]> {
    const limit = options.limit ?? PAGE_SIZE;
    const runs: GoCdRun[] = [];
    for await (const page of this.pages(pipeline, Math.min(100, Math.max(PAGE_SIZE, limit)), options.signal)) {
      runs.push(...page);
      if (runs.length >= limit) break;
    }
    return runs.slice(0, limit);
  }

  async runningRuns(pipeline: string, signal?: AbortSignal): Promise<GoCdRun[]> {
    // A run that is going is always among the newest; one page is enough.
    const page = await this.fetchPage(pipeline, this.historyApiUrl(pipeline, PAGE_SIZE), signal);
    return page.runs.filter((r) => r.state === 'running');
  }

  async runsSince(pipelines: string[], since: Date, signal?: AbortSignal): Promise<GoCdRun[]> {
    const all: GoCdRun[] = [];
    for (const pipeline of pipelines) {
      for await (const page of this.pages(pipeline, PAGE_SIZE, signal)) {
        const recent = page.filter((r) => r.scheduledAt === undefined || r.scheduledAt >= since.toISOString());
        all.push(...recent);
        if (recent.length < page.length) break;
      }
    }
    return all.sort((a, b) => (b.scheduledAt ?? '').localeCompare(a.scheduledAt ?? ''));
  }

  private historyApiUrl(pipeline: string, pageSize: number): string {
    return `${this.baseUrl}/api/pipelines/${pathSegment('GoCD', 'pipeline', pipeline)}/history?page_size=${pageSize}`;
  }

  private async *pages(pipeline: string, pageSize: number, signal?: AbortSignal): AsyncGenerator<GoCdRun[]> {
    let url: string | undefined = this.historyApiUrl(pipeline, pageSize);
    for (let n = 0; url !== undefined && n < MAX_PAGES; n++) {
      const page = await this.fetchPage(pipeline, url, signal);
      if (page.runs.length === 0) return;
      yield page.runs;
      url = page.next;
    }
  }

  private async fetchPage(pipeline: string, url: string, signal?: AbortSignal): Promise<{ runs: GoCdRun[]; next?: string }> {
    const history = await this.http.json({ url, accept: ACCEPT, signal, statusError: (answer) => gocdStatusError(pipeline, answer) }, PipelineHistory);
    return { runs: history.pipelines.map(toRun), next: this.sameServer(history._links?.next?.href) };
  }

  /** Follows a `next` link only on the configured server, so the token never goes elsewhere. */
  private sameServer(href: string | null | undefined): string | undefined {
    if (!href) return undefined;
    try {
      const next = new URL(href, this.baseUrl);
      return next.origin === new URL(this.baseUrl).origin ? next.toString() : undefined;
    } catch {
      return undefined;
    }
  }
}

/** GoCD's non-2xx answers in words for the on-call engineer (undefined: the client's generic message). */
function gocdStatusError(pipeline: string, answer: BackendAnswer): BackendError | undefined {
  if (answer.status === 404)
    return new BackendError('GoCD', 'http_status', `GoCD has no pipeline \`${pipeline}\` (or GOCD_TOKEN may not see it).`, 404, answer.excerpt);
  if (answer.status === 401 || answer.status === 403) {
    return new BackendError(
      'GoCD',
      'http_status',
      `GoCD refused the request (${answer.status}): check GOCD_TOKEN and its permissions on \`${pipeline}\`.`,
      answer.status,
      answer.excerpt,
    );
  }
  return new BackendError(
    'GoCD',
    'http_status',
    `GoCD answered ${answer.status} ${answer.statusText} for \`${pipeline}\`: ${answer.excerpt}`,
    answer.status,
    answer.excerpt,
  );
}

/** Maps one history entry to a run; exported for tests. */
export function toRun(p: PipelineInstance): GoCdRun {
  const revisions = p.build_cause?.material_revisions ?? [];
  const perRevision: (GoCdCommit | undefined)[] = revisions.map((mr) => {
    const m = mr.modifications[0]; // GoCD lists the newest modification first
    return (
      m && {
        revision: m.revision,
        author: m.user_name ?? undefined,
        message: m.comment ?? undefined,
        material: mr.material?.name ?? mr.material?.description ?? undefined,
      }
    );
  });
  const commits = perRevision.filter((c): c is GoCdCommit => c !== undefined);
  // Upstream pipelines are materials too (revision `pipeline/1/stage/1`): the built commit is the git one.
  const commit = perRevision[revisions.findIndex((mr) => (mr.material?.type ?? '').toLowerCase() === 'git')];
  return {
    pipeline: p.name,
    counter: p.counter,
    label: p.label ?? String(p.counter),
    scheduledAt: typeof p.scheduled_date === 'number' ? new Date(p.scheduled_date).toISOString() : undefined,
    commit,
    commits,
    state: runState(p),
    stages: p.stages.map((s) => ({ name: s.name, status: s.status ?? s.result ?? (s.scheduled === false ? 'NotRun' : 'Unknown') })),
    triggeredBy: p.build_cause?.trigger_message ?? undefined,
  };
}

function runState(p: PipelineInstance): GoCdRunState {
  if (p.preparing_to_schedule) return 'running';
  const scheduled = p.stages.filter((s) => s.scheduled !== false);
  const active = scheduled.some(
    (s) => ['building', 'failing'].includes((s.status ?? '').toLowerCase()) || s.jobs.some((j) => ACTIVE_JOB_STATES.has((j.state ?? '').toLowerCase())),
  );
  if (active) return 'running';
  const results = scheduled.map((s) => (s.result ?? s.status ?? '').toLowerCase());
  if (results.includes('failed')) return 'failed';
  if (results.includes('cancelled')) return 'cancelled';
  if (results.length > 0 && results.every((r) => r === 'passed')) return 'passed';
  return 'unknown';
}
