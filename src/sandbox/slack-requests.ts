import { createHmac } from 'node:crypto';

// What Slack sends an app, built for the sandbox page: the bot receives exactly these bytes, signed.

const TEAM_ID = 'T0SANDBOX';
const APP_ID = 'A0SANDBOX';
let sequence = 0;

const next = (): number => (sequence += 1);
const triggerId = (): string => `${Math.floor(Date.now() / 1000)}.${next()}.${Math.random().toString(16).slice(2, 18)}`;

/** The headers Slack signs a request with: HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export function signedHeaders(secret: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    'content-type': body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
  };
}

export interface SandboxUser {
  id: string;
  name: string;
}

/** The form body of `/runbook <text>` typed by `user` in `channel`. */
export function slashCommandBody(user: SandboxUser, channel: { id: string; name: string }, text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'sandbox-verification-token',
    team_id: TEAM_ID,
    team_domain: 'runbook-sandbox',
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: user.id,
    user_name: user.name,
    command: '/runbook',
    text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  }).toString();
}

/** A posted message, as much of it as a click needs. */
export interface ClickedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: Record<string, unknown>[];
}

/** The form body of `user` clicking button `actionId` of `message`; undefined when it has no such button. */
export function buttonClickBody(user: SandboxUser, channelName: string, message: ClickedMessage, actionId: string, responseUrl: string, botUserId: string): string | undefined {
  for (const block of message.blocks ?? []) {
    const elements = Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [];
    const button = elements.find((e) => e.type === 'button' && e.action_id === actionId);
    if (!button) continue;
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: triggerId(),
      team: { id: TEAM_ID, domain: 'runbook-sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: channelName },
      message: { type: 'message', user: botUserId, ts: message.ts, text: message.text, team: TEAM_ID, blocks: message.blocks },
      state: { values: {} },
      response_url: responseUrl,
      actions: [{ action_id: actionId, block_id: block.block_id ?? 'actions', text: button.text, value: button.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }
  return undefined;
}

/** The JSON body of an Events API callback carrying `event`. */
export function eventBody(event: Record<string, unknown>, botUserId: string): string {
  const n = next();
  return JSON.stringify({
    token: 'sandbox-verification-token',
    team_id: TEAM_ID,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: `EvSANDBOX${String(n).padStart(6, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}
