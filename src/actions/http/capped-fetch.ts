import { BackendError, networkError } from './errors';
import { readCappedBytes } from './read-capped';

/** The limits every request to a backend runs under, whichever HTTP library sends it. */
export interface BackendLimits {
  /** Named in every error (`GitHub`, `Sonar`...). */
  backend: string;
  /** Deadline of one call, from sending it to the end of its body (redirects included). */
  timeoutMs: number;
  /** Bodies larger than this are refused while they stream in. */
  maxBytes: number;
  /** Keep the END of a larger body instead of refusing it (logs). */
  keepEnd?: boolean;
  /**
   * Redirects to the same origin are followed (at most 5, GitHub's renamed repositories) and one to
   * another origin is refused; false returns any 3xx answer as it is, for the caller to judge.
   */
  followSameOrigin?: boolean;
}

/** An answer whose body was read whole within the cap and before the deadline. */
export interface CappedAnswer {
  response: Response;
  body: Buffer;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The one place the bot's backend requests go out: a deadline per call (the caller's signal joins it),
 * the body read within the size cap while it streams, no redirect that leaves the origin, and every
 * failure a BackendError. `BackendClient` and the fetch given to Octokit and graphql-request both use it.
 */
export async function fetchCapped(url: string, init: RequestInit, limits: BackendLimits): Promise<CappedAnswer> {
  const caller = init.signal ?? undefined;
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;
  try {
    let current = url;
    let request: RequestInit = { ...init, redirect: 'manual', signal };
    for (let hops = 0; ; hops++) {
      const response = await fetch(current, request);
      const location = response.headers.get('location');
      if (limits.followSameOrigin && REDIRECTS.has(response.status) && location !== null) {
        await response.body?.cancel().catch(() => undefined);
        const next = new URL(location, current);
        if (next.origin !== new URL(url).origin) {
          throw new BackendError(
            limits.backend,
            'redirect_refused',
            `${limits.backend} redirected ${pathOf(current)} to another host (${next.origin}); the bot does not follow it. Check ${limits.backend}'s URL in the configuration.`,
            response.status,
          );
        }
        if (hops >= MAX_REDIRECTS) {
          throw new BackendError(
            limits.backend,
            'redirect_refused',
            `${limits.backend} redirected more than ${MAX_REDIRECTS} times; the bot stopped.`,
            response.status,
          );
        }
        request = redirected(request, response.status);
        current = next.href;
        continue;
      }
      const where = `${request.method ?? 'GET'} ${pathOf(current)}`;
      const body = await readCappedBytes(response, { backend: limits.backend, maxBytes: limits.maxBytes, keepEnd: limits.keepEnd === true, where });
      return { response, body };
    }
  } catch (err) {
    if (err instanceof BackendError) throw err;
    throw networkError(limits.backend, url, err, limits.timeoutMs, caller);
  }
}

/**
 * A `fetch` for a library client (Octokit's `request.fetch`, graphql-request's `fetch`) that sends
 * through `fetchCapped`: the library still sees a Response and keeps mapping statuses itself, but
 * deadline, size cap and redirects are the bot's. Failures reach `onError` too, because a library may
 * wrap what its fetch throws (Octokit turns it into a RequestError with status 500).
 */
export function backendFetch(limits: BackendLimits, onError?: (err: BackendError) => void): typeof fetch {
  const all: BackendLimits = { followSameOrigin: true, ...limits };
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    try {
      const { response, body } = await fetchCapped(url, init ?? {}, all);
      return rebuilt(response, body);
    } catch (err) {
      if (err instanceof BackendError) onError?.(err);
      throw err;
    }
  };
}

/**
 * The response with its body read now, within the cap (a BackendError `too_large` past it): for a fetch
 * handed to a library that reads the body itself, like the Slack Web API client. The deadline is the
 * caller's, through the signal the response was fetched with.
 */
export async function bufferedWithinCap(response: Response, o: { backend: string; maxBytes: number; where: string }): Promise<Response> {
  return rebuilt(response, await readCappedBytes(response, { ...o, keepEnd: false }));
}

function rebuilt(response: Response, body: Buffer): Response {
  const empty = response.status === 204 || response.status === 205 || response.status === 304;
  return new Response(empty ? null : new Uint8Array(body), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** What a redirect's next request is: 303 (and 301/302 after a POST, as browsers do) becomes a GET without body. */
function redirected(request: RequestInit, status: number): RequestInit {
  const method = (request.method ?? 'GET').toUpperCase();
  if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) return { ...request, method: 'GET', body: undefined };
  return request;
}

/** The path without the query (a query can carry values that do not belong in a message). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
