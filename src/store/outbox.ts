/**
 * A message the bot must post to Slack, kept in the store until Slack confirms it (the outbox).
 * Messages of one thread are posted in `id` order: ids sort by creation time.
 */
export interface OutboxMessage {
  id: string;
  /** `channel:thread_ts`: messages with the same thread are posted one after the other, in order. */
  thread: string;
  method: 'chat.postMessage';
  args: Record<string, unknown>;
  attempts: number;
  /** Not retried before this time (epoch ms). */
  notBefore: number;
}

/** What an enqueuer stores; the message starts claimed by the enqueuer, who posts it at once. */
export type NewOutboxMessage = Pick<OutboxMessage, 'id' | 'thread' | 'method' | 'args'>;

let counter = 0;

/** A new outbox id that sorts after every id made before it in this process (and, by clock, in others). */
export function newOutboxId(now = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  return `${now.toString(36).padStart(9, '0')}-${String(counter).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * From pending messages in id order, those a claimer may take: per thread, the leading run of
 * messages free to claim; a thread whose earliest pending message is held (or not due) waits whole.
 */
export function claimableInOrder<T extends { id: string; thread: string; free: boolean }>(pending: T[]): T[] {
  const blocked = new Set<string>();
  const out: T[] = [];
  for (const m of [...pending].sort((a, b) => a.id.localeCompare(b.id))) {
    if (blocked.has(m.thread)) continue;
    if (m.free) out.push(m);
    else blocked.add(m.thread);
  }
  return out;
}
