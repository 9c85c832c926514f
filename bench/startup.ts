// Cold start (spawn of `node dist/main.js` to "serving") and idle RSS after start, as /metrics reports it.
import { startMetapodFake } from '../src/sandbox/fakes/metapod';
import { startSlackEmulator } from '../src/sandbox/fakes/slack-api';
import { percentile, round, spawnNode, tempDir, type BenchRow } from './lib';

const STARTS = 5;
const IDLE_MS = 2000;

async function rssBytes(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /^runbook_bot_process_resident_memory_bytes (\S+)$/m.exec(text);
  if (!m) throw new Error('/metrics has no runbook_bot_process_resident_memory_bytes');
  return Number(m[1]);
}

export async function bench(): Promise<BenchRow[]> {
  const slack = await startSlackEmulator();
  const metapod = await startMetapodFake();
  const starts: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < STARTS; i += 1) {
      const tmp = tempDir('runbook-bench-start-');
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_SIGNING_SECRET: 'bench-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        METAPOD_URL: metapod.url,
        DATABASE_PATH: `${tmp.dir}/bot.db`,
      };
      const bot = await spawnNode(['dist/main.js'], env, /"port":(\d+).*runbook-bot is serving/);
      try {
        starts.push(bot.startMs);
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
        rss.push((await rssBytes(bot.port)) / 2 ** 20);
      } finally {
        await bot.stop();
        tmp.cleanup();
      }
    }
  } finally {
    await slack.close();
    await metapod.close();
  }
  const coldP50 = round(percentile(starts, 50));
  const rssMax = round(Math.max(...rss));
  return [
    {
      metric: 'cold start, spawn to serving (median of 5)',
      value: coldP50,
      unit: 'ms',
      target: '< 1000 ms',
      ok: coldP50 < 1000,
      note: `fresh SQLite file each time; max ${round(Math.max(...starts))} ms`,
    },
    { metric: `idle RSS ${IDLE_MS / 1000} s after start (max of 5)`, value: rssMax, unit: 'MB', target: '< 120 MB', ok: rssMax < 120 },
  ];
}
