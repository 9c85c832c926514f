import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startBot, type BotHandle, type BotOverrides } from '../bot';
import { loadConfig, secretsOf } from '../config';
import { createLogger } from '../observability/logger';
import { SANDBOX_BACKENDS, type RunningBackend, type SimulatedBackend } from './backends';
import { startSlackEmulator, type SlackEmulator } from './fakes/slack-api';
import { SANDBOX_EMAILS } from './simulated/oncall';
import { startSandboxServer, type SandboxServer } from './web-server';
import type { SandboxUser } from './slack-requests';

/** The people on the sandbox page: one requester and two possible approvers. */
export const SANDBOX_USERS: SandboxUser[] = [
  { id: 'UALICE', name: 'alice (on call)' },
  { id: 'UBRUNO', name: 'bruno' },
  { id: 'UCARLA', name: 'carla' },
];
export const SANDBOX_CHANNEL = { id: 'CGUILDDATAENG', name: 'guild-data-eng' };

export interface SandboxOptions {
  /** Environment the bot's configuration is read from (Slack settings are replaced). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Port of the page (default: PORT, else 3000; 0 picks a free one). Always bound to 127.0.0.1. */
  port?: number;
  /** How slowly simulated backends answer (default 400 ms). */
  latencyMs?: number;
  backends?: SimulatedBackend[];
  logger?: Logger;
  /** Pause between tour steps (default 2.5 s). */
  tourPauseMs?: number;
}

export interface Sandbox {
  /** The page. */
  url: string;
  bot: BotHandle;
  slack: SlackEmulator;
  backends: Map<string, RunningBackend>;
  close(): Promise<void>;
}

/** Starts the real bot against in-process simulations of Slack and every backend, and the page that drives them. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const env = opts.env ?? process.env;
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };
  try {
    // The alarm listener matches RUNBOOK_CHANNEL by name through conversations.info.
    const slack = await startSlackEmulator({
      botUserId: 'UBOT',
      teamId: 'T0SANDBOX',
      channels: { [SANDBOX_CHANNEL.id]: SANDBOX_CHANNEL.name },
      emails: SANDBOX_EMAILS,
    });
    cleanups.push(() => slack.close());
    const backends = new Map<string, RunningBackend>();
    // In parallel, so `npm start` stays quick; every one that started is closed, even when another failed.
    const list = opts.backends ?? SANDBOX_BACKENDS;
    const started = await Promise.allSettled(list.map((b) => b.start({ latencyMs: opts.latencyMs ?? 400, env })));
    for (const [i, result] of started.entries()) {
      if (result.status === 'fulfilled') {
        cleanups.push(() => result.value.close());
        backends.set(list[i]!.name, result.value);
      }
    }
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    // Earlier posts, a minute apart and an hour ago, as if people had written them before the sandbox started.
    const seeds = [...backends.values()].flatMap((b) => b.seedMessages ?? []);
    const first = Math.floor(Date.now() / 1000) - 3600;
    const authors = new Map<string, string>();
    for (const [i, { author, text }] of seeds.entries()) {
      const ts = `${first + i * 60}.000100`;
      slack.messages.push({ channel: SANDBOX_CHANNEL.id, ts, text, updates: 0, versions: [{ text }] });
      authors.set(ts, author);
    }
    const dir = mkdtempSync(join(tmpdir(), 'runbook-sandbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const signingSecret = randomBytes(16).toString('hex');
    const backendEnv = Object.assign({}, ...[...backends.values()].map((b) => b.env)) as Record<string, string>;
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      // The sandbox's Slack is an emulator that does not rate-limit: pacing posts there is only waiting.
      SLACK_RATE_LIMIT_SCALE: '1000',
      ...env,
      ...backendEnv,
      SLACK_BOT_TOKEN: 'xoxb-sandbox-token',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'sandbox.db'),
      STORE: 'sqlite',
      RUNBOOK_CHANNEL: SANDBOX_CHANNEL.name,
    });
    const logger = opts.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
    const botOverrides = Object.assign({}, ...[...backends.values()].map((b) => b.botOverrides ?? {})) as Partial<BotOverrides>;
    const bot = await startBot(config, { ...botOverrides, logger });
    cleanups.push(() => bot.stop());
    const server: SandboxServer = await startSandboxServer({
      port: opts.port ?? Number(env.PORT ?? 3000),
      botEventsUrl: `${bot.url}/slack/events`,
      botUrl: bot.url,
      signingSecret,
      slack,
      backends,
      users: SANDBOX_USERS,
      channel: SANDBOX_CHANNEL,
      logger,
      idle: () => bot.idle(),
      tourPauseMs: opts.tourPauseMs,
      authors,
    });
    cleanups.push(() => server.close());
    return { url: server.url, bot, slack, backends, close };
  } catch (err) {
    await close();
    throw err;
  }
}
