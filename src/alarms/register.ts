import type { App } from '@slack/bolt';
import type { AlarmListener } from './listener';

/** Feeds `message` events (the runbook channel's posts, integrations' included) to the alarm listener. */
export function registerAlarmListener(app: App, listener: AlarmListener): void {
  app.event('message', async ({ event }) => {
    const e = event as unknown as Record<string, unknown>;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const channel = str(e.channel);
    const ts = str(e.ts);
    if (!channel || !ts) return;
    await listener.accept({
      channel,
      ts,
      threadTs: str(e.thread_ts),
      text: str(e.text),
      attachments: Array.isArray(e.attachments) ? e.attachments : undefined,
      blocks: Array.isArray(e.blocks) ? e.blocks : undefined,
      user: str(e.user),
      botId: str(e.bot_id),
      subtype: str(e.subtype),
    });
  });
}
