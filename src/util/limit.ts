/** Options of limiter(). */
export interface LimiterOptions {
  /**
   * A job still running after this long gives its slot to the next in line and goes on outside the
   * limit (it stays bounded by its own deadlines): one hung dependency cannot hold every slot.
   */
  releaseSlotAfterMs?: number;
  /** Told when a job overstays and its slot is handed on. */
  onOverstay?: () => void;
}

/**
 * Runs at most `max` of the functions handed to it at once; the others wait their turn, first come first
 * served. For work that may be queued (after an ack) but should not crowd out what cannot wait.
 */
export function limiter(max: number, options: LimiterOptions = {}): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const free = (): void => {
    const next = waiting.shift();
    if (next)
      next(); // the slot passes to the next in line
    else active -= 1;
  };
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    let freed = false;
    const freeOnce = (): void => {
      if (freed) return;
      freed = true;
      free();
    };
    const timer =
      options.releaseSlotAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            options.onOverstay?.();
            freeOnce();
          }, options.releaseSlotAfterMs);
    try {
      return await fn();
    } finally {
      clearTimeout(timer);
      freeOnce();
    }
  };
}
