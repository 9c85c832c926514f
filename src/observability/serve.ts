// The bot's HTTP server started on its port and closed on stop, apart from the wiring in bot.ts: what
// it serves (Slack events in HTTP mode, health, metrics) is decided here from the bot's parts.
import type { AddressInfo } from 'node:net';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackTransport } from '../slack/transport';
import type { OperationStore } from '../store/store';
import { createHealth } from './health';
import { createHttpServer } from './http-server';
import type { BotMetrics } from './metrics';

/** What the HTTP server needs of the bot. */
export interface ServeOptions {
  port: number;
  host: string;
  transport: SlackTransport;
  signingSecret?: string;
  store: OperationStore;
  /** A WebClient without retries, for `/readyz`'s auth.test. */
  healthClient: webApi.WebClient;
  metrics: BotMetrics;
  logger: Logger;
}

/** Listens on `port`: `/slack/events` (HTTP mode), `/healthz` and `/readyz` (store and Slack checked separately), `/metrics`. */
export async function serveHttp(opts: ServeOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { store, transport, healthClient, metrics } = opts;
  const health = createHealth({
    store: () => store.ping(),
    slackTransport: () => transport.state(),
    slackApi: async () => void (await healthClient.auth.test()),
  });
  const server = createHttpServer({
    slackListener: transport.httpListener,
    signingSecret: opts.signingSecret,
    logger: opts.logger,
    health: health.live,
    ready: health.ready,
    metrics: () => metrics.render(),
    onSlackAck: (seconds, status) => metrics.slackAck.observe({ status: String(status) }, seconds),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
