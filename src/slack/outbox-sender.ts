import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { newOutboxId, type OutboxMessage } from '../store/outbox';
import type { OperationStore } from '../store/store';

export interface OutboxSenderOptions {
  store: OperationStore;
  client: webApi.WebClient;
  logger: Logger;
  /** Identifies this process in outbox leases. */
  owner: string;
  /** How long a claimed message stays ours without news; another replica takes it after that. */
  leaseMs: number;
  /** Longest wait between two attempts of one message (the backoff doubles up to it). */
  maxBackoffMs?: number;
}

/** Slack answers that no retry can change: the message is dropped (and logged), not retried forever. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'invalid_blocks',
  'no_text',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'thread_not_found',
]);

/**
 * Posts the messages people must see (step results, outcomes, interruptions) through the store's outbox:
 * each is stored before it is sent and marked done with the ts Slack answered, so a Slack outage delays
 * it instead of losing it, and a restarted bot or another replica sends what a dead one left. Messages
 * of one thread go out one at a time, in order: a later one waits while an earlier one is retried.
 */
export class OutboxSender {
  private readonly chains = new Map<string, Promise<void>>();
  /** Messages this process is delivering (not claimed twice by its own sweep). */
  private readonly handling = new Set<string>();
  private stopped = false;
  /** Set when stop() returns: the store may be closed, so nothing touches it any more. */
  private closed = false;
  /** Ends the waits between attempts when the sender stops. */
  private readonly stopping = new AbortController();

  constructor(private readonly opts: OutboxSenderOptions) {}

  /** Stores the thread reply, then posts it after the earlier messages of its thread; resolves once stored. */
  async post(channel: string, threadTs: string, message: Record<string, unknown>): Promise<void> {
    const stored = {
      id: newOutboxId(),
      thread: `${channel}:${threadTs}`,
      method: 'chat.postMessage' as const,
      args: { ...message, channel, thread_ts: threadTs, unfurl_links: false },
    };
    await this.opts.store.outboxAdd(stored, this.opts.owner, Date.now() + this.opts.leaseMs);
    this.deliverInOrder({ ...stored, attempts: 0, notBefore: 0 });
  }

  /** Takes over messages whose sender died or gave up its lease (run by the periodic sweep). */
  async sweep(): Promise<void> {
    if (this.stopped || this.closed) return;
    const claimed = await this.opts.store.outboxClaim(this.opts.owner, Date.now() + this.opts.leaseMs, 50);
    for (const message of claimed) this.deliverInOrder(message);
  }

  /**
   * Waits (at most `graceMs`) for messages being sent, then stops: no new attempt starts, an attempt in
   * flight gets up to `settleMs` more to record its result, and the rest stays stored for the next start.
   */
  async stop(graceMs = 0, settleMs = 3000): Promise<void> {
    const settled = (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([Promise.allSettled([...this.chains.values()]), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
        clearTimeout(timer),
      );
    };
    await settled(graceMs);
    this.stopped = true;
    this.stopping.abort();
    await settled(settleMs);
    this.closed = true;
  }

  /** Resolves when every message handed to this sender has been settled (tests, bench). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private deliverInOrder(message: OutboxMessage): void {
    if (this.handling.has(message.id)) return;
    this.handling.add(message.id);
    const chain = (this.chains.get(message.thread) ?? Promise.resolve())
      .then(() => this.deliver(message))
      .catch((err: unknown) => this.opts.logger.error({ err, outboxId: message.id }, 'outbox delivery failed; the message stays stored'))
      .finally(() => {
        this.handling.delete(message.id);
        if (this.chains.get(message.thread) === chain) this.chains.delete(message.thread);
      });
    this.chains.set(message.thread, chain);
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const { store, owner, leaseMs, logger } = this.opts;
    for (let attempt = message.attempts; !this.stopped && !this.closed; attempt++) {
      try {
        const { ts } = (await this.opts.client.apiCall('chat.postMessage', message.args)) as { ts?: unknown };
        // Recorded even while stopping (stop() waits for it): an unrecorded post would be sent again.
        if (this.closed)
          return void logger.warn({ outboxId: message.id }, 'a thread message was posted after the outbox stopped: it may be posted again at the next start');
        await store.outboxDone(message.id, owner, typeof ts === 'string' ? ts : undefined);
        return;
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        if (this.closed) return;
        if (code && PERMANENT.has(code)) {
          logger.warn({ err, outboxId: message.id, code }, 'Slack refused a thread message for good: dropped');
          await store.outboxDone(message.id, owner, undefined);
          return;
        }
        if (this.stopped) return; // stays stored, leased: the next start or another replica retries it
        const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, 500 * 2 ** Math.min(attempt, 10));
        logger.warn({ err, outboxId: message.id, attempt, retryInMs: delay }, 'posting a thread message failed: it stays in the outbox and is retried');
        // Still ours for the wait and the next attempt; false when another replica took it meanwhile.
        if (!(await store.outboxRetry(message.id, owner, Date.now() + delay, Date.now() + delay + leaseMs))) {
          logger.info({ outboxId: message.id }, 'another sender took over a thread message');
          return;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }
}
