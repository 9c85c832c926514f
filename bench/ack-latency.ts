// Ack latency of /runbook at 100 concurrent signed slash commands: the real bot vs a bare Bolt app
// that only acks, both as child processes against the same loopback Slack emulator, in the same run.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { startMetapodFake } from '../src/sandbox/fakes/metapod';
import { startSlackEmulator } from '../src/sandbox/fakes/slack-api';
import { slashCommand } from '../test/support/payloads';
import { signedHeaders } from '../test/support/slack-signing';
import { compileForNode, percentile, round, spawnNode, tempDir, type BenchRow, type Child } from './lib';

const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const CONCURRENCY = 100;
const ROUNDS = 10;
// A real request (plan built, stored and posted after the ack, competing with later acks), and help
// (answered in the ack itself: the bot's ack path alone). Each retraction names its own dataset: an
// identical request still pending is refused as a twin, which would post no plan.
const SCENARIOS = [
  { name: 'retract', text: () => `retract committed-dataset ${randomUUID()}`, posts: true, label: 'each command proposes an operation after its ack' },
  { name: 'help', text: () => 'help', posts: false, label: 'answered in the ack, no work after it' },
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
      res.once('end', () =>
        res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`ack was HTTP ${res.statusCode}`)),
      );
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Sends `n` signed `/runbook <text>` commands at once; returns each one's time to the ack, in ms. */
async function burst(url: string, text: () => string, n: number, newResponseUrl: () => string): Promise<number[]> {
  const bodies = Array.from({ length: n }, () => slashCommand({ text: text(), responseUrl: newResponseUrl(), userId: 'UBENCH', channelId: 'CBENCH' }));
  return Promise.all(bodies.map((body) => post(url, body)));
}

async function waitUntil(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the bot did not post its plans in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** CPU time (user + system) a child has used so far, in ms; undefined where /proc is missing. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

interface Contestant {
  name: string;
  url: string;
  child: Child;
  /** Whether it posts a plan after acking a proposing command (the bot does; the bare app does not). */
  proposes: boolean;
  samples: number[];
  cpu: number;
}

export async function bench(): Promise<BenchRow[]> {
  const slack = await startSlackEmulator();
  const metapod = await startMetapodFake();
  const tmp = tempDir('runbook-bench-');
  const children: Child[] = [];
  try {
    const common = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' };
    const startBotAt = async (main: string, db: string): Promise<Child> => {
      // Limits lifted (the emulator does not rate-limit): 100 plans in one channel would otherwise be
      // paced at Slack's one post a second per channel. bench/alarms.ts measures with the limits in place.
      const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
      const child = await spawnNode(
        [...prof, main],
        { ...common, SLACK_RATE_LIMIT_SCALE: '1000', HOST: '127.0.0.1', METAPOD_URL: metapod.url, DATABASE_PATH: `${tmp.dir}/${db}`, LOG_LEVEL: 'info' },
        /"port":(\d+).*runbook-bot is serving/,
      );
      children.push(child);
      return child;
    };
    const contestants: Contestant[] = [];
    const add = (name: string, child: Child, proposes: boolean) =>
      contestants.push({ name, child, proposes, url: `http://127.0.0.1:${child.port}/slack/events`, samples: [], cpu: 0 });
    add('runbook-bot', await startBotAt('dist/main.js', 'bench.db'), true);
    // BENCH_BASELINE_BOT=<another build's main.js>: that build runs in the same bursts, for before/after.
    if (process.env.BENCH_BASELINE_BOT) add('runbook-bot before', await startBotAt(process.env.BENCH_BASELINE_BOT, 'baseline.db'), true);
    const bare = await spawnNode([compileForNode('bench/bare-bolt-app.ts')], common, /listening on port (\d+)/);
    children.push(bare);
    add('bare Bolt', bare, false);
    const newUrl = () => slack.newResponseUrl();
    const rows: BenchRow[] = [];
    for (const scenario of SCENARIOS) {
      // After a burst the bot still posts a plan per command; the next burst waits for that work to end,
      // so it does not compete with the measurement of the other app (this process runs the emulator too).
      const run = async (c: Contestant): Promise<{ times: number[]; cpu: number }> => {
        const posted = slack.callsTo('chat.postMessage').length;
        const cpuBefore = cpuMs(c.child.proc.pid);
        const times = await burst(c.url, scenario.text, CONCURRENCY, newUrl);
        if (c.proposes && scenario.posts) {
          await waitUntil(() => slack.callsTo('chat.postMessage').length >= posted + CONCURRENCY);
          await new Promise((resolve) => setTimeout(resolve, 200)); // the store writes after the post
        }
        const cpuAfter = cpuMs(c.child.proc.pid);
        return { times, cpu: cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore };
      };
      // One warm-up burst each (JIT, keep-alive pool, SQLite page cache), then alternate so drift hits all.
      for (const c of contestants) {
        await run(c);
        c.samples = [];
        c.cpu = 0;
      }
      for (let i = 0; i < ROUNDS; i += 1) {
        for (const c of contestants) {
          const r = await run(c);
          c.samples.push(...r.times);
          c.cpu += r.cpu;
        }
      }
      const base = contestants.find((c) => c.name === 'bare Bolt')!;
      const p = (xs: number[], q: number) => round(percentile(xs, q));
      const ratio = (c: Contestant, q: number) => round(percentile(c.samples, q) / percentile(base.samples, q), 2);
      const note = `${scenario.label}; ${ROUNDS} bursts of ${CONCURRENCY} after a warm-up burst`;
      for (const c of contestants) {
        rows.push(
          { metric: `ack p50, ${c.name}, ${scenario.name}`, value: p(c.samples, 50), unit: 'ms', note },
          { metric: `ack p99, ${c.name}, ${scenario.name}`, value: p(c.samples, 99), unit: 'ms', note },
        );
        if (Number.isFinite(c.cpu))
          rows.push({
            metric: `CPU per command, ${c.name}, ${scenario.name}`,
            value: round(c.cpu / (ROUNDS * CONCURRENCY), 2),
            unit: 'ms',
            note: 'user + system time of the process over the bursts (and the work after them), per command; 10 ms resolution overall',
          });
      }
      for (const c of contestants.filter((x) => x !== base)) {
        const suffix = c.name === 'runbook-bot' ? '' : ` (${c.name})`;
        rows.push(
          { metric: `ack p50 ratio, ${scenario.name}${suffix}`, value: ratio(c, 50), unit: 'x', target: '<= 1.3x', ok: ratio(c, 50) <= 1.3 },
          { metric: `ack p99 ratio, ${scenario.name}${suffix}`, value: ratio(c, 99), unit: 'x', target: '<= 1.3x', ok: ratio(c, 99) <= 1.3 },
        );
      }
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
