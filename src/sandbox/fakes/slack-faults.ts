import type { IncomingMessage, ServerResponse } from 'node:http';

type Args = Record<string, unknown>;

/** Which calls a fault applies to: every call of the method, or those whose arguments match. */
export type CallMatch = (args: Args) => boolean;

/** Slack's rate limit as the emulator enforces it: at most `limit` calls in any trailing `windowMs`. */
export interface EmulatedRateLimit {
  limit: number;
  windowMs: number;
  /** Count per channel (chat.postMessage's "1 per second per channel") instead of per workspace. */
  perChannel?: boolean;
}

/** A call the emulator refused with 429 because it went over a configured rate limit. */
export interface RateLimitedCall {
  method: string;
  channel?: string;
  at: number;
}

/** Faults a test injects into the Slack emulator's Web API (never into response_url posts). */
export interface SlackFaults {
  /**
   * Holds matching calls without answering until the returned release() (or `ms`) ends the hang. A held
   * call whose client gave up (its deadline passed) is dropped; the others are then answered normally.
   */
  hang(method: string, options?: { match?: CallMatch; ms?: number }): () => void;
  /** Answers the next `times` matching calls with an HTTP `status` (500, 503, 429 with `retryAfter` seconds). */
  failHttp(method: string, status: number, options?: { times?: number; retryAfter?: number; match?: CallMatch }): void;
  /** Answers 429 with Retry-After to calls over `rate`; `rateLimited` lists them. */
  rateLimit(method: string, rate: EmulatedRateLimit): void;
  /** Calls refused by rateLimit(); a bot that keeps to Slack's limits leaves this empty. */
  rateLimited: RateLimitedCall[];
  /** Ends every hang and forgets every fault. */
  clear(): void;
}

interface HttpFault {
  status: number;
  times: number;
  retryAfter?: number;
  match?: CallMatch;
}

/** The emulator's fault injection; `intercept` runs before a Web API call is recorded and answered. */
export function createSlackFaults(): SlackFaults & {
  intercept(method: string, args: Args, req: IncomingMessage, res: ServerResponse): Promise<'answered' | 'dropped' | 'continue'>;
} {
  const hangs: { method: string; match?: CallMatch; released: Promise<void>; release: () => void }[] = [];
  const httpFaults = new Map<string, HttpFault[]>();
  const rates = new Map<string, EmulatedRateLimit>();
  const seen = new Map<string, number[]>();

  const faults = {
    rateLimited: [] as RateLimitedCall[],
    hang(method: string, options: { match?: CallMatch; ms?: number } = {}) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const entry = { method, match: options.match, released, release };
      hangs.push(entry);
      const end = (): void => {
        const at = hangs.indexOf(entry);
        if (at >= 0) hangs.splice(at, 1);
        entry.release();
      };
      if (options.ms !== undefined) setTimeout(end, options.ms).unref();
      return end;
    },
    failHttp(method: string, status: number, options: { times?: number; retryAfter?: number; match?: CallMatch } = {}) {
      const list = httpFaults.get(method) ?? [];
      list.push({ status, times: options.times ?? 1, retryAfter: options.retryAfter, match: options.match });
      httpFaults.set(method, list);
    },
    rateLimit(method: string, rate: EmulatedRateLimit) {
      rates.set(method, rate);
    },
    clear() {
      for (const h of hangs.splice(0)) h.release();
      httpFaults.clear();
      rates.clear();
    },
    async intercept(method: string, args: Args, req: IncomingMessage, res: ServerResponse): Promise<'answered' | 'dropped' | 'continue'> {
      const hang = hangs.find((h) => h.method === method && (!h.match || h.match(args)));
      if (hang) {
        let gone = false;
        res.once('close', () => (gone = !res.writableFinished));
        await hang.released;
        if (gone || req.socket.destroyed) return 'dropped';
      }
      const list = httpFaults.get(method) ?? [];
      const fault = list.find((f) => f.times > 0 && (!f.match || f.match(args)));
      if (fault) {
        fault.times -= 1;
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        res.writeHead(fault.status, headers).end(fault.status === 429 ? 'ratelimited' : 'upstream error');
        return 'answered';
      }
      const rate = rates.get(method);
      if (rate) {
        const channel = typeof args.channel === 'string' ? args.channel : undefined;
        const key = rate.perChannel ? `${method}#${channel ?? ''}` : method;
        const now = Date.now();
        const recent = (seen.get(key) ?? []).filter((t) => t > now - rate.windowMs);
        if (recent.length >= rate.limit) {
          faults.rateLimited.push({ method, channel, at: now });
          const retryAfter = Math.max(1, Math.ceil((recent[0]! + rate.windowMs - now) / 1000));
          res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(retryAfter) }).end('ratelimited');
          seen.set(key, recent);
          return 'answered';
        }
        recent.push(now);
        seen.set(key, recent);
      }
      return 'continue';
    },
  };
  return faults;
}
