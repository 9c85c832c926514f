// Preloaded (`node --expose-gc -r`) into the bot by the memory bench only: SIGUSR2 runs a full garbage
// collection (two, see below), then appends one JSON line of process.memoryUsage() to BENCH_MEMORY_FILE, so what is read is
// what the bot really keeps, not garbage not yet collected. With BENCH_HEAP_SNAPSHOTS=<dir> and
// BENCH_HEAP_SNAPSHOT_AT=2,8 it also writes a heap snapshot after those readings (to compare what grows).
// Not part of the bot.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const collect = (globalThis as { gc?: () => void }).gc;
const file = process.env.BENCH_MEMORY_FILE;
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOTS;
const snapshotAt = new Set((process.env.BENCH_HEAP_SNAPSHOT_AT ?? '').split(',').filter(Boolean).map(Number));
let reading = 0;
if (collect)
  process.on('SIGUSR2', () => {
    reading += 1;
    const n = reading;
    collect();
    // FinalizationRegistry callbacks (undici drops each fetch's abort listener in one, Node clears each
    // AbortSignal.timeout timer in one) run only in a later task: what they free is collected by the
    // second pass, else every reading would count the last round's requests as kept.
    setTimeout(() => {
      collect();
      const m = process.memoryUsage();
      if (snapshotDir && snapshotAt.has(n)) writeHeapSnapshot(join(snapshotDir, `reading-${n}.heapsnapshot`));
      if (file) appendFileSync(file, `${JSON.stringify({ reading: n, ...m })}\n`);
    }, 200);
  });
