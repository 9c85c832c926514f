// Issue 18 figures: how soon `/runbook status` is answered once Slack's API recovers from an 8 s hang
// (with plans queued behind the hang), and how many DynamoDB requests one operation's lifecycle
// (propose, approve, run, succeed, its thread messages through the outbox) costs, counted at a proxy in
// front of dynalite. Reported, not asserted.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { startBot } from '../src/bot';
import { loadConfig } from '../src/config';
import { startMetapodFake } from '../src/sandbox/fakes/metapod';
import { startSlackEmulator, type SlackEmulator } from '../src/sandbox/fakes/slack-api';
import { startDynaliteProcess } from '../test/support/dynalite';
import { clickButton, slashCommand } from '../test/support/payloads';
import { postToSlackEndpoint } from '../test/support/slack-signing';
import { round, tempDir, type BenchRow } from './lib';

const SECRET = 'bench-signing-secret';
const HANG_MS = 8000;

async function until<T>(fn: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('bench: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A proxy that counts DynamoDB requests by operation (X-Amz-Target) on their way to dynalite. */
async function countingProxy(target: string): Promise<{ url: string; counts: Map<string, number>; close(): Promise<void> }> {
  const counts = new Map<string, number>();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? '?')
      .split('.')
      .pop()!;
    counts.set(op, (counts.get(op) ?? 0) + 1);
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 500, r.headers);
      r.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, close: () => new Promise((r) => server.close(() => r())) };
}

async function startBench(slack: SlackEmulator, env: Record<string, string>) {
  const metapod = await startMetapodFake();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    METAPOD_URL: metapod.url,
    SHUTDOWN_GRACE: '1ms',
    ...env,
  });
  const bot = await startBot(config, { logger: pino({ level: 'silent' }), slackTimeoutMs: 30_000 });
  const post = (body: string) => postToSlackEndpoint(`${bot.url}/slack/events`, body, { secret: SECRET });
  return { bot, metapod, post, close: async () => (await bot.stop(), await metapod.close()) };
}

async function statusAfterHang(): Promise<number> {
  const slack = await startSlackEmulator();
  const tmp = tempDir('runbook-bench-status-');
  const b = await startBench(slack, { DATABASE_PATH: join(tmp.dir, 'bot.db') });
  try {
    const release = slack.faults.hang('chat.postMessage', { ms: HANG_MS });
    const started = Date.now();
    for (let i = 0; i < 8; i++)
      await b.post(
        slashCommand({
          text: `retract attribute 5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f6${i}`,
          userId: 'UREQ',
          channelId: 'CDATAENG',
          responseUrl: slack.newResponseUrl(),
        }),
      );
    await new Promise((r) => setTimeout(r, Math.max(0, started + HANG_MS - Date.now())));
    release();
    const recovered = Date.now();
    const url = slack.newResponseUrl();
    await b.post(slashCommand({ text: 'status', userId: 'UREQ', channelId: 'CDATAENG', responseUrl: url }));
    await until(() => slack.responsesTo(url)[0]);
    return Date.now() - recovered;
  } finally {
    await b.close();
    await slack.close();
    tmp.cleanup();
  }
}

async function dynamoRequestsPerLifecycle(): Promise<Map<string, number>> {
  const dynalite = await startDynaliteProcess();
  const proxy = await countingProxy(dynalite.url);
  const slack = await startSlackEmulator();
  const b = await startBench(slack, { STORE: 'dynamodb', STORE_TABLE: 'bench-ops', AWS_ENDPOINT_URL_DYNAMODB: proxy.url, AWS_REGION: 'us-east-1' });
  try {
    // Warm (table created, first sweeps run), then count one lifecycle only.
    await new Promise((r) => setTimeout(r, 500));
    proxy.counts.clear();
    await b.post(
      slashCommand({
        text: 'retract attribute 5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60',
        userId: 'UREQ',
        channelId: 'CDATAENG',
        responseUrl: slack.newResponseUrl(),
      }),
    );
    const plan = structuredClone(await until(() => slack.topLevel('CDATAENG')[0]));
    await b.post(clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: slack.newResponseUrl() }));
    await until(() =>
      slack.threadReplies('CDATAENG', plan.ts).length > 0 && /Succeeded/.test(slack.message('CDATAENG', plan.ts)?.text ?? '') ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    return new Map(proxy.counts);
  } finally {
    await b.close();
    await slack.close();
    await proxy.close();
    await dynalite.close();
  }
}

export async function bench(): Promise<BenchRow[]> {
  const statusMs = await statusAfterHang();
  const counts = await dynamoRequestsPerLifecycle();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const detail = [...counts.entries()]
    .sort()
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  return [
    {
      metric: `time until /runbook status is answered after Slack's API recovers from an ${HANG_MS / 1000} s hang (8 plans queued)`,
      value: round(statusMs),
      unit: 'ms',
    },
    {
      metric: 'DynamoDB requests per operation lifecycle (propose, approve, run, succeed; periodic sweeps included)',
      value: total,
      unit: 'count',
      note: detail,
    },
  ];
}

if (require.main === module) void bench().then((rows) => console.log(rows));
