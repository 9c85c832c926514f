/**
 * Serialises work per key and hands each run every item queued for that key since the last run, so a storm
 * of the same alarm becomes a few batches (one diagnosis, then counter updates) and no item is dropped.
 * Different keys run in parallel, at most `concurrency` at a time.
 */
export class Coalescer<T> {
  private readonly queues = new Map<string, T[]>();
  private readonly running = new Set<string>();
  private readonly waiting: (() => void)[] = [];
  private readonly inflight = new Set<Promise<void>>();
  /** When each key's last batch ended (bounded: the oldest keys are forgotten). */
  private readonly lastRun = new Map<string, number>();
  private active = 0;

  constructor(
    private readonly work: (key: string, batch: T[]) => Promise<void>,
    private readonly onError: (err: unknown, key: string) => void,
    private readonly concurrency = 8,
    /** Pause before the next batch of the same key, so repeats pile up and Slack edits stay rate-limited. */
    private readonly gapMs = 0,
  ) {}

  /** Queues `item` under `key`; returns at once. */
  push(key: string, item: T): void {
    const queue = this.queues.get(key) ?? [];
    queue.push(item);
    this.queues.set(key, queue);
    if (this.running.has(key)) return;
    this.running.add(key);
    const run = this.drain(key);
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  /** Resolves when every queued item has been handled. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async drain(key: string): Promise<void> {
    try {
      for (;;) {
        if (!this.queues.has(key)) return;
        const wait = (this.lastRun.get(key) ?? -Infinity) + this.gapMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const batch = this.queues.get(key) ?? [];
        this.queues.delete(key);
        if (batch.length === 0) return;
        await this.slot();
        try {
          await this.work(key, batch);
        } catch (err) {
          this.onError(err, key);
        } finally {
          this.release();
          this.lastRun.delete(key);
          this.lastRun.set(key, Date.now());
          if (this.lastRun.size > 10_000) this.lastRun.delete(this.lastRun.keys().next().value!);
        }
      }
    } finally {
      // No await between finding the queue empty and this line, so no item can slip in unseen.
      this.running.delete(key);
    }
  }

  private slot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
