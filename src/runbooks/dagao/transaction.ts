import { UUID_PATTERN } from '../../actions/cli/commands';

/** One channel message as text (attachments and blocks flattened). */
export interface ChannelMessage {
  ts: string;
  text: string;
}

/** Recent messages of a channel, newest first (Slack's conversations.history behind it). */
export interface ChannelHistory {
  recentMessages(channel: string, limit: number, signal?: AbortSignal): Promise<ChannelMessage[]>;
}

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The newest transaction id mentioned in `messages` (newest first): a UUID in a message that talks about a
 * transaction (`metapod_transaction=<id>`, "transaction: <id>", "transaction id <id>").
 */
export function findTransaction(messages: readonly ChannelMessage[]): { tx: string; ts: string } | undefined {
  for (const m of messages) {
    if (!/transaction/i.test(m.text)) continue;
    // Prefer a UUID right after the word; otherwise the message's only UUID.
    const near = /transaction(?:[ _-]?id)?\W{0,4}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(m.text)?.[1];
    const all = [...new Set((m.text.match(UUID_IN_TEXT) ?? []).map((u) => u.toLowerCase()))];
    const tx = near ?? (all.length === 1 ? all[0] : undefined);
    if (tx && UUID_PATTERN.test(tx)) return { tx: tx.toLowerCase(), ts: m.ts };
  }
  return undefined;
}
