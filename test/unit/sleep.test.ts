import { pause, sleep } from '../../src/util/sleep';

describe('sleep and pause', () => {
  it('sleep resolves after the delay, and rejects with the abort reason at once', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('timed out'));
    await expect(waiting).rejects.toThrow('timed out');
    await expect(sleep(10, AbortSignal.abort())).rejects.toThrow();
  });

  it('pause ends quietly on abort', async () => {
    const controller = new AbortController();
    const waiting = pause(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
