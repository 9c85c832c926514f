import { loadConfig } from '../../../src/config';
import { DEFAULT_SLACK_RATE_LIMITS, scaleRateLimits, SlackLimiters, type SlackRateLimits } from '../../../src/slack/rate-limits';

describe('Slack rate limits: SLACK_RATE_LIMIT_SCALE', () => {
  it('keeps Slack published limits when the variable is unset', () => {
    expect(loadConfig({}).slack.rateLimitScale).toBe(1);
    expect(scaleRateLimits(DEFAULT_SLACK_RATE_LIMITS, 1)).toBe(DEFAULT_SLACK_RATE_LIMITS);
  });

  it('multiplies every limit (default, per method, per channel) and keeps the windows', () => {
    const scale = loadConfig({ SLACK_RATE_LIMIT_SCALE: '2.5' }).slack.rateLimitScale;
    const scaled = scaleRateLimits(DEFAULT_SLACK_RATE_LIMITS, scale);
    expect(scaled.default).toEqual({ limit: 125, windowMs: 60_000 });
    expect(scaled.perMethod['chat.update']).toEqual({ limit: 125, windowMs: 60_000 });
    expect(scaled.perChannel['chat.postMessage']).toEqual({ limit: 150, windowMs: 60_000 });
    expect(Object.keys(scaled.perMethod)).toEqual(Object.keys(DEFAULT_SLACK_RATE_LIMITS.perMethod));
  });

  it('never scales a limit below one call per window', () => {
    const scaled = scaleRateLimits({ default: { limit: 2, windowMs: 1000 }, perMethod: {}, perChannel: {} }, 0.05);
    expect(scaled.default.limit).toBe(1);
  });
});

describe('SlackLimiters: one limiter per channel, forgotten once idle', () => {
  // Two calls a minute per channel: a burst of one, then one token every 66 s (bucketOptions), so a second
  // call right after the first cannot start unless its limiter was (wrongly) replaced by a fresh one.
  const limits: SlackRateLimits = {
    default: { limit: 50, windowMs: 60_000 },
    perMethod: {},
    perChannel: { 'chat.postMessage': { limit: 3, windowMs: 60_000 } },
  };
  let clock: number;
  let limiters: SlackLimiters;
  beforeEach(() => {
    clock = 1_000_000;
    limiters = new SlackLimiters(limits, () => clock);
  });
  afterEach(() => limiters.stop());

  const postInChannels = (prefix: string) =>
    Promise.all(Array.from({ length: 300 }, (_, c) => limiters.schedule('chat.postMessage', `${prefix}${c}`, () => Promise.resolve(c))));
  const turns = async (n = 20) => {
    for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };

  it('keeps at most the channels used within the last window after posting in 300 channels', async () => {
    await postInChannels('C');
    expect(limiters.size.limiters).toBe(300);
    clock += 60_000; // a window, but not yet the 66 s its bucket takes to refill
    limiters.prune();
    expect(limiters.size.limiters).toBe(300);
    clock += 6_001;
    limiters.prune();
    expect(limiters.size.limiters).toBe(0);
    // And on its own: the next call past the prune interval forgets the idle ones.
    await postInChannels('D');
    clock += 120_000;
    await limiters.schedule('chat.postMessage', 'CLAST', () => Promise.resolve(0));
    expect(limiters.size.limiters).toBe(1);
  });

  it('still limits a channel used within its window: its limiter (and spent token) is kept', async () => {
    await limiters.schedule('chat.postMessage', 'CBUSY', () => Promise.resolve('first'));
    clock += 59_000; // inside the window
    limiters.prune();
    let second = false;
    void limiters.schedule('chat.postMessage', 'CBUSY', () => Promise.resolve((second = true)));
    await turns();
    expect(second).toBe(false); // the bucket is still empty: the call waits for the next token
    expect(limiters.size.limiters).toBe(1);
  });

  it('never forgets a limiter with a call waiting in it', async () => {
    await limiters.schedule('chat.postMessage', 'CBUSY', () => Promise.resolve('first'));
    void limiters.schedule('chat.postMessage', 'CBUSY', () => Promise.resolve('queued'));
    await turns();
    clock += 10 * 60_000;
    limiters.prune();
    expect(limiters.size.limiters).toBe(1);
  });

  it('forgets a Retry-After pause once it has ended, not before', () => {
    for (let c = 0; c < 100; c += 1) limiters.pause('chat.postMessage', `C${c}`, 30_000);
    clock += 29_999;
    limiters.prune();
    expect(limiters.size.pauses).toBe(100);
    clock += 2;
    limiters.prune();
    expect(limiters.size.pauses).toBe(0);
  });
});
