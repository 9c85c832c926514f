// A bench child: the real bot (from dist/, path in BENCH_DIST) whose store answers every call
// BENCH_STORE_DELAY_MS late, as a busy, throttled or far DynamoDB table would. Compiled by compileForNode.
import { join } from 'node:path';

type Store = Record<string, unknown> & { close(): Promise<void> };

async function main(): Promise<void> {
  const dist = process.env.BENCH_DIST!;
  const delayMs = Number(process.env.BENCH_STORE_DELAY_MS ?? 1500);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require(join(dist, 'config.js')) as { loadConfig(): unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openStore } = require(join(dist, 'store', 'open.js')) as { openStore(c: unknown): Promise<Store> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startBot } = require(join(dist, 'bot.js')) as { startBot(c: unknown, o: unknown): Promise<{ stop(): Promise<void> }> };
  const config = loadConfig();
  const inner = await openStore(config);
  const store = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function' || prop === 'close') return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  // Sweeps would only add store load that is not what is measured.
  const bot = await startBot(config, { store, sweepEveryMs: 3_600_000 });
  process.once('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
}

void main();
