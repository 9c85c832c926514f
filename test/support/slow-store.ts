import type { OperationStore } from '../../src/store/store';

/** What a slow store saw, in order: `start:<method>#<n>` and `end:<method>#<n>`, plus whatever the test adds. */
export type Timeline = string[];

/**
 * Wraps a store so that every call (but close) takes `delayMs` longer, as a busy, throttled or far
 * DynamoDB table does, and records when each call starts and ends in `timeline`.
 */
export function slowStore(inner: OperationStore, delayMs: number, timeline: Timeline): OperationStore {
  let n = 0;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'close') return () => inner.close();
      return async (...args: unknown[]) => {
        const id = `${String(prop)}#${(n += 1)}`;
        timeline.push(`start:${id}`);
        try {
          // Unref: a call still in flight when a test ends must not keep Jest alive.
          await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          timeline.push(`end:${id}`);
        }
      };
    },
  });
}

/**
 * The store calls that started after `mark` and ended before `event`, both entries of `timeline`:
 * with a slow store, any such call means `event` (an ack) waited for the store.
 */
export function callsEndedBefore(timeline: Timeline, mark: string, event: string): string[] {
  const from = timeline.indexOf(mark);
  const to = timeline.indexOf(event);
  if (from < 0 || to < 0) throw new Error(`timeline lacks ${from < 0 ? mark : event}: ${timeline.join(', ')}`);
  const startedAfter = new Set(
    timeline
      .slice(from)
      .filter((e) => e.startsWith('start:'))
      .map((e) => e.slice('start:'.length)),
  );
  return timeline.slice(from, to).filter((e) => e.startsWith('end:') && startedAfter.has(e.slice('end:'.length)));
}
