import { limiter } from '../../src/util/limit';

describe('limiter', () => {
  it('runs at most max at once, in arrival order, and every one runs', async () => {
    const limit = limiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const jobs = Array.from({ length: 5 }, (_, i) =>
      limit(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running -= 1;
        return i;
      }),
    );
    while (started.length < 5 || gates.length > 0) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('frees the slot when a job fails', async () => {
    const limit = limiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});

describe('limiter with a slot deadline', () => {
  it('hands the slot of a job that overstays to the next one, and the late job still finishes', async () => {
    let overstays = 0;
    const limit = limiter(1, { releaseSlotAfterMs: 30, onOverstay: () => (overstays += 1) });
    let releaseHung!: () => void;
    const hung = limit(() => new Promise<string>((resolve) => (releaseHung = () => resolve('late'))));
    // Without the deadline this one would wait for the hung job forever.
    await expect(limit(() => Promise.resolve('next'))).resolves.toBe('next');
    expect(overstays).toBe(1);
    releaseHung();
    await expect(hung).resolves.toBe('late');
    // The late job's end must not free a second slot: still one at a time.
    let running = 0;
    let peak = 0;
    const job = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
    };
    await Promise.all([limit(job), limit(job), limit(job)]);
    expect(peak).toBe(1);
  });
});
