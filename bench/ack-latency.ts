// Ack latency of /runbook at 100 concurrent signed slash commands: the real bot vs a bare Bolt app
// that only acks, both as child processes against the same loopback Slack emulator, in the same run.
import { Agent, request } from 'node:http';
import { startMetapodFake } from '../src/sandbox/fakes/metapod';
import { startSlackEmulator } from '../src/sandbox/fakes/slack-api';
import { slashCommand } from '../test/support/payloads';
import { signedHeaders } from '../test/support/slack-signing';
import { compileForNode, percentile, round, spawnNode, tempDir, type BenchRow, type Child } from './lib';

const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const CONCURRENCY = 100;
const ROUNDS = 5;
const DATASET_ID = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';
// A real request (plan built, stored and posted after the ack, competing with later acks), and help
// (answered in the ack itself: the bot's ack path alone).
const SCENARIOS = [
  { name: 'retract', text: `retract committed-dataset ${DATASET_ID}`, posts: true, label: 'each command proposes an operation after its ack' },
  { name: 'help', text: 'help', posts: false, label: 'answered in the ack, no work after it' },
];

// A keep-alive pool as large as the burst: Slack's senders reuse connections too, and the client's own
// connection set-up should not be what is measured.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, body: string): Promise<number> {
  const headers = { ...signedHeaders(SECRET, body), 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`ack was HTTP ${res.statusCode}`))));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Sends `n` signed `/runbook <text>` commands at once; returns each one's time to the ack, in ms. */
async function burst(url: string, text: string, n: number, newResponseUrl: () => string): Promise<number[]> {
  const bodies = Array.from({ length: n }, () => slashCommand({ text, responseUrl: newResponseUrl(), userId: 'UBENCH', channelId: 'CBENCH' }));
  return Promise.all(bodies.map((body) => post(url, body)));
}

async function waitUntil(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the bot did not post its plans in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function bench(): Promise<BenchRow[]> {
  const slack = await startSlackEmulator();
  const metapod = await startMetapodFake();
  const tmp = tempDir('runbook-bench-');
  const children: Child[] = [];
  try {
    const common = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' };
    const bot = await spawnNode([...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), 'dist/main.js'], { ...common, HOST: '127.0.0.1', METAPOD_URL: metapod.url, DATABASE_PATH: `${tmp.dir}/bench.db`, LOG_LEVEL: 'info' }, /"port":(\d+).*runbook-bot is serving/);
    children.push(bot);
    const bare = await spawnNode([compileForNode('bench/bare-bolt-app.ts')], common, /listening on port (\d+)/);
    children.push(bare);
    const targets = { bot: `http://127.0.0.1:${bot.port}/slack/events`, bare: `http://127.0.0.1:${bare.port}/slack/events` };
    const newUrl = () => slack.newResponseUrl();
    const rows: BenchRow[] = [];
    for (const scenario of SCENARIOS) {
      // After a burst the bot still posts a plan per command; the next burst waits for that work to end,
      // so it does not compete with the measurement of the other app (this process runs the emulator too).
      const botBurst = async (): Promise<number[]> => {
        const posted = slack.callsTo('chat.postMessage').length;
        const times = await burst(targets.bot, scenario.text, CONCURRENCY, newUrl);
        await waitUntil(() => slack.callsTo('chat.postMessage').length >= posted + (scenario.posts ? CONCURRENCY : 0));
        await new Promise((resolve) => setTimeout(resolve, 200)); // the store writes after the post
        return times;
      };
      // One warm-up burst each (JIT, keep-alive pool, SQLite page cache), then alternate so drift hits both.
      await botBurst();
      await burst(targets.bare, scenario.text, CONCURRENCY, newUrl);
      const samples = { bot: [] as number[], bare: [] as number[] };
      for (let i = 0; i < ROUNDS; i += 1) {
        samples.bot.push(...(await botBurst()));
        samples.bare.push(...(await burst(targets.bare, scenario.text, CONCURRENCY, newUrl)));
      }
      const p = (xs: number[], q: number) => round(percentile(xs, q));
      const ratio = (q: number) => round(percentile(samples.bot, q) / percentile(samples.bare, q), 2);
      const note = `${scenario.label}; ${ROUNDS} bursts of ${CONCURRENCY} after a warm-up burst`;
      rows.push(
        { metric: `ack p50, runbook-bot, ${scenario.name}`, value: p(samples.bot, 50), unit: 'ms', note },
        { metric: `ack p99, runbook-bot, ${scenario.name}`, value: p(samples.bot, 99), unit: 'ms', note },
        { metric: `ack p50, bare Bolt, ${scenario.name}`, value: p(samples.bare, 50), unit: 'ms', note },
        { metric: `ack p99, bare Bolt, ${scenario.name}`, value: p(samples.bare, 99), unit: 'ms', note },
        { metric: `ack p50 ratio, ${scenario.name}`, value: ratio(50), unit: 'x', target: '<= 1.3x', ok: ratio(50) <= 1.3 },
        { metric: `ack p99 ratio, ${scenario.name}`, value: ratio(99), unit: 'x', target: '<= 1.3x', ok: ratio(99) <= 1.3 },
      );
    }
    return rows;
  } finally {
    agent.destroy();
    for (const c of children) await c.stop();
    await slack.close();
    await metapod.close();
    tmp.cleanup();
  }
}
