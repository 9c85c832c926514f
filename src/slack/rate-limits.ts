import Bottleneck from 'bottleneck';

/** At most `limit` calls in any window of `windowMs` milliseconds (how Slack states its tiers). */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** The limits the bot keeps to: per Web API method (per workspace), and per channel for some methods. */
export interface SlackRateLimits {
  /** Methods not named in `perMethod` (Tier 3 is Slack's usual tier for what the bot calls). */
  default: RateLimit;
  perMethod: Record<string, RateLimit>;
  /** Methods limited per channel as well, e.g. chat.postMessage (about one a second per channel). */
  perChannel: Record<string, RateLimit>;
}

const MINUTE = 60_000;

/**
 * Slack's published tiers for the methods the bot calls (https://api.slack.com/apis/rate-limits):
 * Tier 2 ~20/min, Tier 3 ~50/min, Tier 4 ~100/min; chat.postMessage is "special": about 1 per second
 * per channel with short bursts allowed, chat.postEphemeral follows Tier 4.
 */
export const DEFAULT_SLACK_RATE_LIMITS: SlackRateLimits = {
  default: { limit: 50, windowMs: MINUTE },
  perMethod: {
    'auth.test': { limit: 100, windowMs: MINUTE },
    'chat.postMessage': { limit: 600, windowMs: MINUTE },
    'chat.update': { limit: 50, windowMs: MINUTE },
    'chat.postEphemeral': { limit: 100, windowMs: MINUTE },
    'views.publish': { limit: 100, windowMs: MINUTE },
    'usergroups.users.list': { limit: 20, windowMs: MINUTE },
  },
  perChannel: {
    'chat.postMessage': { limit: 60, windowMs: MINUTE },
  },
};

/**
 * The limits multiplied by `scale` (SLACK_RATE_LIMIT_SCALE): above 1 for an app whose limits Slack raised
 * or for an emulator that does not rate-limit, below 1 to leave room for other apps sharing the token.
 */
export function scaleRateLimits(limits: SlackRateLimits, scale: number): SlackRateLimits {
  if (scale === 1) return limits;
  const one = (rate: RateLimit): RateLimit => ({ limit: Math.max(1, Math.round(rate.limit * scale)), windowMs: rate.windowMs });
  const each = (rates: Record<string, RateLimit>) => Object.fromEntries(Object.entries(rates).map(([method, rate]) => [method, one(rate)]));
  return { default: one(limits.default), perMethod: each(limits.perMethod), perChannel: each(limits.perChannel) };
}

/**
 * A token bucket that never lets more than `limit` calls start in any window of `windowMs`, with a
 * margin for network jitter: a burst of about a fifth of the limit, then an even pace. Bottleneck
 * adds tokens on its heartbeat, so the heartbeat is at least as fast as the pace.
 */
export function bucketOptions(rate: RateLimit): Bottleneck.ConstructorOptions & { heartbeatInterval: number } {
  const usable = Math.max(1, Math.min(Math.floor(rate.limit * 0.85), rate.limit - 2));
  const burst = Math.max(1, Math.floor(usable / 5));
  // In a window: the full bucket, one token per interval, and one more at the window's edge.
  const refills = usable - burst - 1;
  const interval = refills > 0 ? Math.ceil(rate.windowMs / refills) : Math.ceil(rate.windowMs * 1.1);
  return {
    reservoir: burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: interval,
    reservoirIncreaseMaximum: burst,
    heartbeatInterval: Math.max(5, Math.min(250, Math.floor(interval / 2))),
  };
}

/** How often idle limiters and ended pauses are looked for (at most; on the next call after it). */
const PRUNE_EVERY_MS = 60_000;

interface Keyed {
  limiter: Bottleneck;
  /** Calls scheduled and not yet settled. */
  active: number;
  /** When the last call settled (or the limiter was made). */
  lastUsed: number;
  /** Idle this long, its bucket is full again: a fresh limiter would let exactly the same calls through. */
  forgetAfterMs: number;
}

/**
 * One limiter per Web API method, or per (method, channel) where Slack limits per channel. A channel's
 * limiter is forgotten once it has been idle long enough for its bucket to be full again (and its pause
 * once it has ended), so a bot posting in ever more channels keeps neither a limiter nor a heartbeat
 * timer per channel it ever posted in; a limiter in use, or one used within its window, is kept.
 */
export class SlackLimiters {
  private readonly limiters = new Map<string, Keyed>();
  /** Until when a key is paused after Slack answered 429 with Retry-After. */
  private readonly pausedUntil = new Map<string, number>();
  private lastPrune: number;

  constructor(
    private readonly limits: SlackRateLimits = DEFAULT_SLACK_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.lastPrune = now();
  }

  /** How many limiters and pauses are kept (tests: proves they are bounded). */
  get size(): { limiters: number; pauses: number } {
    return { limiters: this.limiters.size, pauses: this.pausedUntil.size };
  }

  /** Runs `fn` once the method's (and channel's) limiters allow it and no Retry-After pause is running. */
  async schedule<T>(method: string, channel: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.now() - this.lastPrune >= PRUNE_EVERY_MS) this.prune();
    const key = this.keyOf(method, channel);
    for (;;) {
      await this.waitPause(key);
      const keyed = this.limiter(key);
      keyed.active += 1;
      try {
        // A call that got its token while a 429 paused the key goes back to wait: its token is spent,
        // which only slows the key down, never speeds it up.
        const result = await keyed.limiter.schedule<T | typeof PAUSED>(() => (this.paused(key) ? Promise.resolve(PAUSED) : fn()));
        if (result !== PAUSED) return result;
      } finally {
        keyed.active -= 1;
        keyed.lastUsed = this.now();
      }
    }
  }

  /** Slack said to wait `ms` before calling `method` again (in `channel`, for per-channel methods). */
  pause(method: string, channel: string | undefined, ms: number): void {
    const key = this.keyOf(method, channel);
    this.pausedUntil.set(key, Math.max(this.now() + ms, this.pausedUntil.get(key) ?? 0));
  }

  /** Forgets the limiters idle long enough for their bucket to be full again, and the pauses that ended. */
  prune(): void {
    const now = this.now();
    this.lastPrune = now;
    for (const [key, keyed] of this.limiters) {
      if (keyed.active > 0 || now - keyed.lastUsed < keyed.forgetAfterMs) continue;
      this.limiters.delete(key);
      void keyed.limiter.disconnect().catch(() => undefined);
    }
    for (const [key, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(key);
  }

  /** Stops the heartbeats (tests and shutdown). */
  async stop(): Promise<void> {
    await Promise.all([...this.limiters.values()].map((l) => l.limiter.disconnect()));
    this.limiters.clear();
  }

  /**
   * One limiter per call: a method limited per channel is limited by its channel alone (two nested
   * limiters would let the first one's tokens bunch up behind the second).
   */
  private keyOf(method: string, channel: string | undefined): string {
    return channel && this.limits.perChannel[method] ? `${method}#${channel}` : method;
  }

  private limiter(key: string): Keyed {
    let keyed = this.limiters.get(key);
    if (!keyed) {
      const [method, channel] = key.split('#');
      const rate = channel ? this.limits.perChannel[method!]! : (this.limits.perMethod[method!] ?? this.limits.default);
      const options = bucketOptions(rate);
      // A whole window since the last call settled (no call of it can share a window with the next one),
      // and long enough for the bucket to refill to its burst.
      const forgetAfterMs = Math.max(rate.windowMs, options.reservoir! * options.reservoirIncreaseInterval!);
      keyed = { limiter: new Bottleneck(options), active: 0, lastUsed: this.now(), forgetAfterMs };
      this.limiters.set(key, keyed);
    }
    return keyed;
  }

  private paused(key: string): boolean {
    return (this.pausedUntil.get(key) ?? 0) > this.now();
  }

  private async waitPause(key: string): Promise<void> {
    for (;;) {
      const wait = (this.pausedUntil.get(key) ?? 0) - this.now();
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const PAUSED = Symbol('paused');
