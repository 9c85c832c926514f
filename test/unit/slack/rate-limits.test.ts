import { loadConfig } from '../../../src/config';
import { DEFAULT_SLACK_RATE_LIMITS, scaleRateLimits } from '../../../src/slack/rate-limits';

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
