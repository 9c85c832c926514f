/** Options for waitFor. */
export interface WaitForOptions {
  /** Upper bound on waiting, not a speed assertion; default 5000. */
  timeoutMs?: number;
  /** Pause between probes; default 20. */
  intervalMs?: number;
  /** Named in the timeout error; default 'condition'. */
  what?: string;
}

type Falsy = undefined | null | false;

/** Polls `probe` until it returns a truthy value and resolves with it; a throwing probe rejects at once. */
export async function waitFor<T>(
  probe: () => T | Falsy | Promise<T | Falsy>,
  { timeoutMs = 5000, intervalMs = 20, what = 'condition' }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`Timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
}
