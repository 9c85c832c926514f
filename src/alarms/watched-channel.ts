import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * RUNBOOK_CHANNEL, given as an id (`C…`, or `G…` for an old private channel) or a name, resolved with
 * conversations.info once per channel (channels:read, or groups:read for a private channel).
 */
export class WatchedChannel {
  private readonly names = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly want: string,
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
  ) {}

  /** Whether a message posted in `channel` is one the listener reads. */
  async includes(channel: string): Promise<boolean> {
    if (/^[CG][A-Z0-9]{2,}$/.test(this.want)) return channel === this.want;
    let name = this.names.get(channel);
    if (!name) {
      name = this.client.conversations
        .info({ channel })
        .then((res) => res.channel?.name)
        .catch((err: unknown) => {
          this.logger.warn({ err, channel }, 'could not look up the channel name (channels:read, or groups:read for a private channel)');
          this.names.delete(channel);
          return undefined;
        });
      this.names.set(channel, name);
    }
    return (await name) === this.want;
  }
}
