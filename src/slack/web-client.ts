// How every WebClient of the bot reaches Slack's Web API (deadline, retries, rate limits), and the
// start-up check of the token, apart from the wiring in bot.ts.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { DEFAULT_SLACK_RATE_LIMITS, scaleRateLimits, SlackLimiters, type SlackRateLimits } from './rate-limits';
import { slackFetch } from './web-api-fetch';

/** One Slack attempt's deadline; WebClient retries a timed-out or 5xx attempt twice, with backoff. */
const SLACK_TIMEOUT_MS = 10_000;
const SLACK_RETRIES = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4000, randomize: true };

/**
 * The limiters, fetch and WebClient options every WebClient (Bolt's, the per-request ones, the health
 * check's) and Bolt's respond() share: one limiter per method, a deadline per attempt, Retry-After
 * honoured without pausing other methods.
 */
export function slackClientSetup(config: Config, overrides: { slackTimeoutMs?: number; slackRateLimits?: SlackRateLimits }, logger: Logger) {
  const limiters = new SlackLimiters(overrides.slackRateLimits ?? scaleRateLimits(DEFAULT_SLACK_RATE_LIMITS, config.slack.rateLimitScale));
  const fetch = slackFetch({ timeoutMs: overrides.slackTimeoutMs ?? SLACK_TIMEOUT_MS, limiters, logger });
  const clientOptions = { slackApiUrl: config.slack.apiUrl, retryConfig: SLACK_RETRIES, rejectRateLimitedCalls: true, fetch };
  return { limiters, fetch, clientOptions };
}

/** Checks the bot token once at start, so a wrong token is one clear message instead of failures later. */
export async function verifyBotToken(client: webApi.WebClient): Promise<{ userId?: string; botId?: string; teamId?: string }> {
  try {
    const res = await client.auth.test();
    return { userId: res.user_id, botId: res.bot_id, teamId: res.team_id };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new Error(
      code
        ? `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.`
        : `Could not reach Slack at SLACK_API_URL: ${(err as Error).message}`,
    );
  }
}
