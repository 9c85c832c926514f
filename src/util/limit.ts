/**
 * Runs at most `max` of the functions handed to it at once; the others wait their turn, first come first
 * served. For work that may be queued (after an ack) but should not crowd out what cannot wait.
 */
export function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next(); // the slot passes to the next in line
      else active -= 1;
    }
  };
}
