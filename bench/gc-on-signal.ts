// Preloaded (`node --expose-gc -r`) into the bot by the memory bench only: SIGUSR2 runs a full garbage
// collection, then appends one JSON line of process.memoryUsage() to BENCH_MEMORY_FILE, so what is read is
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
    // Twice: objects with finalizers (WeakRefs, FinalizationRegistry) are freed only by the second pass.
    collect();
    collect();
    const m = process.memoryUsage();
    if (snapshotDir && snapshotAt.has(reading)) writeHeapSnapshot(join(snapshotDir, `reading-${reading}.heapsnapshot`));
    if (file) appendFileSync(file, `${JSON.stringify({ reading, ...m })}\n`);
  });
