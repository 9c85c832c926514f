import type { webApi } from '@slack/bolt';
import type { ChannelHistory, ChannelMessage } from '../runbooks/dagao/transaction';

type Json = Record<string, unknown>;

/** Every piece of text in a message: its text, attachments (Airflow and AWS posts use them) and blocks. */
export function messageText(message: Json): string {
  const parts: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Json)) {
        if (typeof x === 'string' && ['text', 'fallback', 'pretext', 'title', 'value'].includes(k)) parts.push(x);
        else if (typeof x === 'object') walk(x, depth + 1);
      }
    }
  };
  walk({ text: message.text, attachments: message.attachments, blocks: message.blocks }, 0);
  return parts.join('\n');
}

/** The channel's recent messages through `conversations.history` (scope `channels:history`). */
export class SlackChannelHistory implements ChannelHistory {
  constructor(private readonly client: webApi.WebClient) {}

  async recentMessages(channel: string, limit: number): Promise<ChannelMessage[]> {
    try {
      const res = await this.client.conversations.history({ channel, limit });
      return (res.messages ?? []).map((m) => ({ ts: m.ts ?? '0', text: messageText(m as Json) }));
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      throw new Error(
        code === 'not_in_channel' || code === 'channel_not_found'
          ? 'I am not a member of this channel'
          : code
            ? `Slack answered ${code}`
            : (err as Error).message,
      );
    }
  }
}
