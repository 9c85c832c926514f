import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startBot, type BotHandle, type BotOverrides } from '../../src/bot';
import { loadConfig, secretsOf } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { startMetapodFake, type MetapodFake } from '../../src/sandbox/fakes/metapod';
import { startSlackEmulator, type EmulatedMessage, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { clickButton, slashCommand } from '../support/payloads';
import { postToSlackEndpoint, type SlackEndpointResponse } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';

export const SIGNING_SECRET = 'e2e-signing-secret-8f742231b10e';
export const BOT_TOKEN = 'xoxb-e2e-bot-token-123456';
export const CHANNEL = 'CDATAENG';
export const DATASET_ID = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';

export interface E2EOptions {
  env?: Record<string, string>;
  usergroups?: Record<string, string[]>;
  /** Share a database file (replica tests). */
  databasePath?: string;
  slack?: SlackEmulator;
  metapod?: MetapodFake;
  overrides?: BotOverrides;
}

/** The real bot on a loopback port, with a Slack emulator and a Metapod fake beside it. */
export interface E2E {
  bot: BotHandle;
  slack: SlackEmulator;
  metapod: MetapodFake;
  logs: string[];
  /** Sends `/runbook <text>` signed as Slack signs it. */
  command(text: string, userId?: string): Promise<SlackEndpointResponse & { responseUrl: string }>;
  /** Clicks a button of `message` (a snapshot, so late clicks on old buttons are possible). */
  click(message: EmulatedMessage, actionId: string, userId: string, headers?: Record<string, string>): Promise<SlackEndpointResponse>;
  post(body: string, options?: { timestamp?: number; signature?: string; headers?: Record<string, string> }): Promise<SlackEndpointResponse>;
  /** Waits for the newest top-level message in the channel that satisfies `match`. */
  planMessage(match?: (m: EmulatedMessage) => boolean): Promise<EmulatedMessage>;
  ephemeralsFor(userId: string): string[];
  close(): Promise<void>;
}

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.splice(0).forEach((fn) => fn()));

/** A fresh temporary SQLite path, removed after the test file. */
export function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bot-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'bot.db');
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const slack = options.slack ?? (await startSlackEmulator({ usergroups: options.usergroups }));
  const metapod = options.metapod ?? (await startMetapodFake());
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    METAPOD_URL: metapod.url,
    METAPOD_TIMEOUT: '5s',
    DATABASE_PATH: options.databasePath ?? tempDatabase(),
    LOG_LEVEL: 'debug',
    // Closing a test bot does not wait for hanging fake backends (the drain has its own test).
    SHUTDOWN_GRACE: '1ms',
    ...options.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'debug', secrets: secretsOf(config), destination });
  let bot: BotHandle;
  try {
    // The emulator does not rate-limit unless a test asks it to, so the bot's own limits are lifted here
    // (test/e2e/slack-rate-limits.test.ts sets real ones): a test's flow is not paced at Slack's speed.
    bot = await startBot(config, { logger, sweepEveryMs: 100, slackRateLimits: UNLIMITED_SLACK, ...options.overrides });
  } catch (err) {
    // The fakes this call created must not outlive a failed start.
    if (!options.slack) await slack.close();
    if (!options.metapod) await metapod.close();
    throw err;
  }
  const url = `${bot.url}/slack/events`;
  const post: E2E['post'] = (body, o = {}) => postToSlackEndpoint(url, body, { secret: SIGNING_SECRET, ...o });

  return {
    bot,
    slack,
    metapod,
    logs,
    post,
    async command(text, userId = 'UREQ') {
      const responseUrl = slack.newResponseUrl();
      const res = await post(slashCommand({ text, userId, channelId: CHANNEL, responseUrl }));
      return { ...res, responseUrl };
    },
    click(message, actionId, userId, headers) {
      return post(clickButton(message, actionId, { userId, responseUrl: slack.newResponseUrl() }), { headers });
    },
    planMessage(match = () => true) {
      return waitFor(() => slack.topLevel(CHANNEL).filter(match).at(-1), { what: 'a plan message in the channel' });
    },
    ephemeralsFor(userId) {
      return slack.ephemerals.filter((e) => e.user === userId).map((e) => e.text);
    },
    async close() {
      await bot.stop();
      if (!options.slack) await slack.close();
      if (!options.metapod) await metapod.close();
    },
  };
}

/**
 * Registers, in the calling describe block, a fresh bot with its fakes (before each test, or once with
 * `once`) and its tear-down, which fails on any request a fake did not expect. The returned object is
 * filled in by the set-up.
 */
export function useE2E(options: E2EOptions & { once?: boolean } = {}): E2E {
  const e2e = {} as E2E;
  const { once, ...start } = options;
  (once ? beforeAll : beforeEach)(async () => {
    Object.assign(e2e, await startE2E(start));
  });
  (once ? afterAll : afterEach)(async () => {
    await e2e.close();
    e2e.slack.assertNoUnexpected();
    e2e.metapod.assertNoUnexpected();
  });
  return e2e;
}

/** Plain text of a message's blocks (sections, contexts, headers), for content assertions. */
export function textOf(message: { text?: string; blocks?: Record<string, unknown>[] }): string {
  const parts: string[] = [message.text ?? ''];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') parts.push(o.text);
      Object.values(o).forEach((x) => typeof x === 'object' && walk(x));
    }
  };
  walk(message.blocks ?? []);
  return parts.join('\n');
}

/** Action ids of every button in a message. */
export function buttonsOf(message: { blocks?: Record<string, unknown>[] }): string[] {
  return (message.blocks ?? [])
    .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as Record<string, unknown>[]) : []))
    .filter((e) => e.type === 'button')
    .map((e) => String(e.action_id));
}

/** A copy of a message as it is now (buttons included), to click later after it changed. */
export function snapshot(message: EmulatedMessage): EmulatedMessage {
  return structuredClone(message);
}

/** Waits until the channel message `ts` shows `pattern` (e.g. its final state) and returns it. */
export function messageShowing(slack: SlackEmulator, ts: string, pattern: RegExp, timeoutMs = 5000): Promise<EmulatedMessage> {
  return waitFor(
    () => {
      const m = slack.message(CHANNEL, ts);
      return m && pattern.test(textOf(m)) ? m : undefined;
    },
    { timeoutMs, what: `the message to show ${pattern}` },
  );
}

/** Two bots sharing one store (a SQLite file by default), one Slack emulator and one Metapod fake. */
export interface ReplicaPair {
  slack: SlackEmulator;
  metapod: MetapodFake;
  a: E2E;
  b: E2E;
  /** Stops both bots, asserts the fakes saw nothing unexpected, closes them. */
  close(): Promise<void>;
}

/** Starts two replicas of the bot over `shared` (databasePath and/or env). */
export async function startReplicaPair(
  shared: { databasePath?: string; env?: Record<string, string> } = { databasePath: tempDatabase() },
): Promise<ReplicaPair> {
  const slack = await startSlackEmulator();
  const metapod = await startMetapodFake();
  const a = await startE2E({ slack, metapod, ...shared });
  const b = await startE2E({ slack, metapod, ...shared });
  return {
    slack,
    metapod,
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      try {
        slack.assertNoUnexpected();
        metapod.assertNoUnexpected();
      } finally {
        await slack.close();
        await metapod.close();
      }
    },
  };
}

/** Slack rate limits far above what a test sends. */
const UNLIMITED_SLACK = { default: { limit: 100_000, windowMs: 60_000 }, perMethod: {}, perChannel: {} };
