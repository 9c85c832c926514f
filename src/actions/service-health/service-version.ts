import { BackendClient } from '../http/backend-client';
import { summarizeBody } from '../http/errors';
import { pathSegment } from '../http/path-segment';
import { pause } from '../../util/sleep';

/** One answer of a service's `/api/version`. */
export interface VersionSample {
  at: string;
  url: string;
  /** The version the service reported, when it answered 2xx with one. */
  version?: string;
  status?: number;
  /** Why there is no version (HTTP status, unreadable body, network). */
  error?: string;
}

/** The service call verification uses. */
export interface ServiceVersionActions {
  /** GETs `<baseUrl>/api/version` once; never throws (a failure is a sample with `error`). */
  fetchVersion(baseUrl: string, signal?: AbortSignal): Promise<VersionSample>;
}

const VERSION_FIELDS = ['version', 'sha', 'git_sha', 'gitSha', 'commit', 'revision'];

/** Reads a version from a body: a JSON object with a version-like field, a JSON string, or plain text. */
export function parseVersionBody(text: string): string | undefined {
  const trimmed = text.trim();
  try {
    const json: unknown = JSON.parse(trimmed);
    if (typeof json === 'string') return json.trim() || undefined;
    if (json && typeof json === 'object') {
      const obj = json as Record<string, unknown>;
      for (const field of VERSION_FIELDS) if (typeof obj[field] === 'string' && obj[field]) return obj[field].trim();
      return undefined;
    }
  } catch {
    // not JSON: plain text
  }
  return /^[\w.:-]{1,100}$/.test(trimmed) ? trimmed : undefined;
}

/** True when a reported version is the short SHA `expected` (services may answer the full SHA, or `name:sha`). */
export function isVersion(reported: string | undefined, expected: string): boolean {
  if (!reported) return false;
  const last = reported.toLowerCase().split(/[:@/]/).at(-1) ?? '';
  const want = expected.toLowerCase();
  return last.length >= 7 && (last.startsWith(want) || want.startsWith(last));
}

/**
 * A service's base URL from SERVICE_URL_TEMPLATE: `{service}` and `{shard}` are each replaced by one
 * encoded path segment (`.`/`..` refused), so a name can never change which URL is called.
 */
export function serviceBaseUrl(template: string, service: string, shard: string): string {
  const s = pathSegment('the service', 'service name', service);
  const sh = pathSegment('the service', 'shard', shard);
  return template.replaceAll('{service}', s).replaceAll('{shard}', sh);
}

/** `/api/version` over HTTP through the shared backend client. */
export class HttpServiceVersion implements ServiceVersionActions {
  private readonly http: BackendClient;
  constructor(timeoutMs = 5000) {
    this.http = new BackendClient({ backend: 'the service', timeoutMs, maxBytes: 4096 });
  }

  async fetchVersion(baseUrl: string, signal?: AbortSignal): Promise<VersionSample> {
    const url = `${baseUrl.replace(/\/+$/, '')}/api/version`;
    const at = new Date().toISOString();
    try {
      const answer = await this.http.send({ url, accept: 'application/json, text/plain', signal });
      if (answer.status < 200 || answer.status >= 300)
        return { at, url, status: answer.status, error: `HTTP ${answer.status}: ${summarizeBody(answer.text, 80)}` };
      const version = parseVersionBody(answer.text);
      return version
        ? { at, url, status: answer.status, version }
        : { at, url, status: answer.status, error: `no version in the answer: ${summarizeBody(answer.text, 80)}` };
    } catch (err) {
      // A sample, never a throw: verification counts failures among the answers.
      return { at, url, error: err instanceof Error ? err.message : String(err) };
    }
  }
}

/** How verification decides. */
export interface PollRule {
  /** `some`: both colors serve, so at least `needed` answers in the last `window` are the new SHA and none is an error. `all`: the last `window` answers are all the new SHA. */
  mode: 'some' | 'all';
  needed: number;
  window: number;
  intervalMs: number;
  timeoutMs: number;
}

export interface PollResult {
  ok: boolean;
  samples: VersionSample[];
  /** What was seen, in words (e.g. `3 of the last 10 answers were abc1234; 0 errors`). */
  summary: string;
}

/** Asks `url` for its version until `rule` is met or the time is up (or `signal` aborts). */
export async function pollVersion(
  actions: ServiceVersionActions,
  url: string,
  expected: string,
  rule: PollRule,
  signal?: AbortSignal,
  onSample?: (s: VersionSample) => void,
): Promise<PollResult> {
  const samples: VersionSample[] = [];
  const deadline = Date.now() + rule.timeoutMs;
  for (;;) {
    const sample = await actions.fetchVersion(url, signal);
    samples.push(sample);
    onSample?.(sample);
    const verdict = judge(samples, expected, rule);
    if (verdict.ok || signal?.aborted || Date.now() + rule.intervalMs > deadline) return { ...verdict, samples };
    await pause(rule.intervalMs, signal);
  }
}

function judge(samples: VersionSample[], expected: string, rule: PollRule): { ok: boolean; summary: string } {
  const recent = samples.slice(-rule.window);
  const matches = recent.filter((s) => isVersion(s.version, expected)).length;
  const errors = recent.filter((s) => s.error !== undefined).length;
  const ok = rule.mode === 'all' ? recent.length >= rule.window && matches === recent.length : matches >= rule.needed && errors === 0;
  const others = [...new Set(recent.filter((s) => s.version && !isVersion(s.version, expected)).map((s) => s.version!))];
  const summary = `${matches} of the last ${recent.length} answers were ${expected}; ${errors} error${errors === 1 ? '' : 's'}${others.length > 0 ? `; also seen: ${others.join(', ')}` : ''}`;
  return { ok, summary };
}
