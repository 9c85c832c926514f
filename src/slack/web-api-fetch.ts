import type { Logger } from 'pino';
import { bufferedWithinCap } from '../actions/http/capped-fetch';
import type { SlackLimiters } from './rate-limits';

/** How the bot talks HTTP to Slack: a deadline per attempt, Slack's rate limits, Retry-After. */
export interface SlackFetchOptions {
  /** Longest wait for one HTTP attempt (Web API call or response_url), queueing excluded. */
  timeoutMs: number;
  limiters: SlackLimiters;
  /** How many 429 answers of one call are waited out here before WebClient sees the 429. */
  maxRateLimitWaits?: number;
  logger?: Logger;
  /** Told of every 429 (metrics). */
  onRateLimited?: (method: string, retryAfterMs: number) => void;
  fetch?: typeof fetch;
  /** Answers larger than this are refused while they stream in (default 16 MiB: a long conversations.history). */
  maxBytes?: number;
}

/** The longest Retry-After honoured before giving up on a call (Slack asks for seconds, rarely minutes). */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * A `fetch` for WebClient and Bolt's `respond` (clientOptions.fetch): every Web API call waits for its
 * method's limiter, each attempt has its own deadline (so time spent queued behind the rate limit does
 * not count as Slack being slow), and a 429 pauses that method for Retry-After before the same call is
 * sent again. Errors and timeouts are left to WebClient's bounded retries.
 */
export function slackFetch(options: SlackFetchOptions): typeof fetch {
  const base = options.fetch ?? globalThis.fetch;
  const maxWaits = options.maxRateLimitWaits ?? 5;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  // The body is read here, under the same deadline and the backends' size cap (the shared capped reader):
  // a slow or endless answer fails this attempt instead of holding WebClient past its deadline.
  const attempt = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined): Promise<Response> => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const res = await base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
    return bufferedWithinCap(res, { backend: 'Slack', maxBytes, where: `${init?.method ?? 'GET'} ${apiMethodOf(input) ?? 'response_url'}` });
  };
  return async (input, init) => {
    const method = apiMethodOf(input);
    if (!method) return attempt(input, init); // response_url: no rate limit, same deadline
    const channel = channelOf(init?.body);
    for (let waits = 0; ; waits++) {
      const res = await options.limiters.schedule(method, channel, () => attempt(input, init));
      if (res.status !== 429 || waits >= maxWaits) return res;
      const retryAfterMs = retryAfterOf(res);
      if (retryAfterMs === undefined) return res;
      await res.body?.cancel().catch(() => undefined);
      options.limiters.pause(method, channel, retryAfterMs);
      options.onRateLimited?.(method, retryAfterMs);
      options.logger?.info({ method, channel, retryAfterMs }, 'Slack rate-limited a call: waiting as Retry-After says');
    }
  };
}

/** `chat.postMessage` for `https://slack.com/api/chat.postMessage`; undefined for other URLs. */
export function apiMethodOf(input: Parameters<typeof fetch>[0]): string | undefined {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  let path: string;
  try {
    path = new URL(href).pathname;
  } catch {
    return undefined;
  }
  const at = path.lastIndexOf('/api/');
  if (at < 0) return undefined;
  const method = path.slice(at + '/api/'.length);
  return /^[a-zA-Z]+(\.[a-zA-Z0-9]+)+$/.test(method) ? method : undefined;
}

/** The `channel` argument of a form-encoded or JSON call body, for per-channel limits. */
export function channelOf(body: RequestInit['body']): string | undefined {
  if (typeof body !== 'string') return body instanceof URLSearchParams ? (body.get('channel') ?? undefined) : undefined;
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      const channel = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).channel : undefined;
      return typeof channel === 'string' ? channel : undefined;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body).get('channel') ?? undefined;
}

/** Retry-After in milliseconds: whole seconds as Slack sends them; anything else is not honoured. */
function retryAfterOf(res: Response): number | undefined {
  const header = res.headers.get('retry-after')?.trim() ?? '';
  if (!/^\d{1,6}$/.test(header)) return undefined;
  return Math.min(Number(header) * 1000, MAX_RETRY_AFTER_MS);
}
