import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { HttpMetapodActions, type MetapodActions } from './actions/metapod/metapod-actions';
import { secretsOf, type Config } from './config';
import { boltLogger } from './observability/bolt-logger';
import { createHttpServer } from './observability/http-server';
import { createLogger } from './observability/logger';
import { OperationEngine } from './operations/engine';
import { describeApprovers, type ApprovalPolicy } from './operations/policy';
import { createRunbooks } from './runbooks';
import { SlackDirectory } from './slack/directory';
import { registerOperationButtons } from './slack/handlers/actions';
import { registerRunbookCommand } from './slack/handlers/command';
import { SlackOperationObserver } from './slack/slack-observer';
import { SqliteStore } from './store/sqlite';
import type { OperationStore } from './store/store';

export interface BotOverrides {
  logger?: Logger;
  store?: OperationStore;
  metapod?: MetapodActions;
  now?: () => Date;
  /** Interface to listen on (overrides HOST). */
  host?: string;
  /** How often expiry and crash recovery run; defaults from the lease. */
  sweepEveryMs?: number;
  /** How often a long step reports "still running" (default 15 s). */
  progressEveryMs?: number;
  /** Smallest gap between two edits of a progress message (default 3 s). */
  progressMinIntervalMs?: number;
}

export interface BotHandle {
  port: number;
  url: string;
  engine: OperationEngine;
  store: OperationStore;
  logger: Logger;
  stop(): Promise<void>;
}

/** Checks the bot token once at start, so a wrong token is one clear message instead of failures later. */
async function verifyBotToken(client: webApi.WebClient): Promise<{ userId?: string; botId?: string }> {
  try {
    const res = await client.auth.test();
    return { userId: res.user_id, botId: res.bot_id };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new Error(code ? `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.` : `Could not reach Slack at SLACK_API_URL: ${(err as Error).message}`);
  }
}

/** Wires configuration, store, adapters, engine and Slack, then starts serving. */
export async function startBot(config: Config, overrides: BotOverrides = {}): Promise<BotHandle> {
  const { botToken, signingSecret, appToken, apiUrl, mode } = config.slack;
  if (mode === 'unconfigured' || !botToken) throw new Error('startBot needs SLACK_BOT_TOKEN');
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const store = overrides.store ?? new SqliteStore(config.store.databasePath);
  const metapod = overrides.metapod ?? (config.metapod.url ? new HttpMetapodActions(config.metapod.url, config.metapod.timeoutMs) : undefined);

  const bolt = boltLogger(logger);
  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({ appToken: appToken!, logger: bolt, installerOptions: { clientOptions: { slackApiUrl: apiUrl } } })
      : new HTTPReceiver({ signingSecret: signingSecret!, logger: bolt, processBeforeResponse: false });
  const clientOptions = { slackApiUrl: apiUrl, retryConfig: { retries: 2 } };
  const identity = await verifyBotToken(new webApi.WebClient(botToken, { ...clientOptions, logger: bolt }));
  const app = new App({ token: botToken, receiver, logger: bolt, clientOptions, botId: identity.botId, botUserId: identity.userId, tokenVerificationEnabled: false });

  const policy: ApprovalPolicy = { approvers: config.approvers, directory: new SlackDirectory(app.client) };
  const runbooks = createRunbooks({ metapod });
  const observer = new SlackOperationObserver(app.client, { approvers: describeApprovers(policy) }, logger, overrides.progressMinIntervalMs);
  const engine = new OperationEngine({
    store,
    runbooks,
    policy,
    observer,
    logger,
    approvalTtlMs: config.approvalTtlMs,
    leaseMs: config.leaseMs,
    now: overrides.now,
    progressEveryMs: overrides.progressEveryMs,
  });

  // Slack redelivers events it thinks we missed; each event id is processed once.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await store.remember(`event:${eventId}`, 6 * 3_600_000))) return;
    await next();
  });
  registerRunbookCommand(app, { engine, store, runbooks, logger });
  registerOperationButtons(app, { engine, logger });
  app.error(async (err) => {
    logger.error({ err }, 'unhandled error in a Slack listener');
    return Promise.resolve();
  });

  const server = createHttpServer({
    slackListener: receiver instanceof HTTPReceiver ? receiver.requestListener : undefined,
    logger,
    health: async () => {
      await store.ping();
      return { ok: true, checks: { store: 'ok' } };
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, overrides.host ?? config.host, () => resolve());
  });
  if (receiver instanceof SocketModeReceiver) await app.start();

  await engine.sweep();
  const sweepEvery = overrides.sweepEveryMs ?? Math.max(250, Math.min(15_000, Math.floor(config.leaseMs / 2)));
  const sweeper = setInterval(() => void engine.sweep().catch((err: unknown) => logger.error({ err }, 'sweep failed')), sweepEvery);

  const port = (server.address() as AddressInfo).port;
  logger.info({ port, mode, store: config.store.kind, runbooks: [...runbooks.keys()] }, 'runbook-bot is serving');
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    engine,
    store,
    logger,
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(sweeper);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (receiver instanceof SocketModeReceiver) await app.stop();
        await engine.stop();
        await store.close();
      })()),
  };
}
