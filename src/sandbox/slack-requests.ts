import { createHmac } from 'node:crypto';

// What Slack sends an app, built for the sandbox page: the bot receives exactly these bytes, signed.

/** The sandbox workspace and app, as Slack names them in every payload. */
export const TEAM_ID = 'T0SANDBOX';
export const APP_ID = 'A0SANDBOX';
let sequence = 0;

const next = (): number => (sequence += 1);
/** A fresh trigger id in Slack's shape (`<epoch>.<n>.<hex>`), as views.open takes it. */
export const triggerId = (): string => `${Math.floor(Date.now() / 1000)}.${next()}.${Math.random().toString(16).slice(2, 18)}`;

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
export function buttonClickBody(
  user: SandboxUser,
  channelName: string,
  message: ClickedMessage,
  actionId: string,
  responseUrl: string,
  botUserId: string,
): string | undefined {
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
      actions: [
        {
          action_id: actionId,
          block_id: block.block_id ?? 'actions',
          text: button.text,
          value: button.value,
          type: 'button',
          action_ts: `${Date.now() / 1000}`,
        },
      ],
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

/** Where an interactive element was shown: a channel message, an ephemeral one, or a view (Home tab or modal). */
export type ActionContainer =
  | { type: 'message'; channel: string; channelName: string; ts: string; text: string; blocks: Record<string, unknown>[]; threadTs?: string }
  | { type: 'ephemeral'; channel: string; channelName: string; ts: string; blocks: Record<string, unknown>[] }
  | { type: 'view'; view: Record<string, unknown> & { id: string; blocks: Record<string, unknown>[] } };

/** The element `actionId` of `blocks` (in an actions block or a section's accessory) and its block. */
export function findElement(
  blocks: Record<string, unknown>[],
  actionId: string,
): { block: Record<string, unknown>; element: Record<string, unknown> } | undefined {
  for (const block of blocks) {
    const elements = Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [];
    // An input block's one element can dispatch actions too (dispatch_action), e.g. a modal's select.
    const single = [block.accessory, block.element].filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
    const candidates = [...elements, ...single];
    const element = candidates.find((e) => e.action_id === actionId);
    if (element) return { block, element };
  }
  return undefined;
}

/** The options a static_select or overflow offers (option groups flattened). */
export function optionsOf(element: Record<string, unknown>): Record<string, unknown>[] {
  const flat = Array.isArray(element.options) ? (element.options as Record<string, unknown>[]) : [];
  const groups = Array.isArray(element.option_groups) ? (element.option_groups as { options?: Record<string, unknown>[] }[]) : [];
  return [...flat, ...groups.flatMap((g) => g.options ?? [])];
}

/**
 * The form body Slack sends when `user` uses element `actionId` in `container`: a button click, or a pick
 * (`selected`, an option's value) from a static_select or overflow menu. Undefined when there is no such
 * element or option.
 */
export function blockActionBody(
  user: SandboxUser,
  container: ActionContainer,
  actionId: string,
  responseUrl: string,
  botUserId: string,
  selected?: string,
): string | undefined {
  const blocks = container.type === 'view' ? container.view.blocks : container.blocks;
  const found = findElement(blocks, actionId);
  if (!found) return undefined;
  const { block, element } = found;
  const action: Record<string, unknown> = { action_id: actionId, block_id: block.block_id ?? 'actions', type: element.type, action_ts: `${Date.now() / 1000}` };
  if (element.type === 'button') Object.assign(action, { text: element.text, value: element.value });
  else if (element.type === 'static_select' || element.type === 'overflow') {
    const option = optionsOf(element).find((o) => o.value === selected);
    if (!option) return undefined;
    action.selected_option = { text: option.text, value: option.value };
    if (element.type === 'static_select') action.placeholder = element.placeholder;
  } else return undefined;
  const common = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: 'sandbox-verification-token',
    trigger_id: triggerId(),
    team: { id: TEAM_ID, domain: 'runbook-sandbox' },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [action],
  };
  let payload: Record<string, unknown>;
  if (container.type === 'view') {
    // Slack sends no response_url for actions in views (Home tab, modals); the app answers with views.* calls.
    const view = container.view;
    payload = {
      ...common,
      container: { type: 'view', view_id: view.id },
      view: { ...view, team_id: TEAM_ID, app_id: APP_ID, bot_id: 'BBOT', state: { values: {} } },
    };
  } else if (container.type === 'ephemeral') {
    // Ephemeral messages carry no `message` in the payload; Slack marks the container instead.
    payload = {
      ...common,
      container: { type: 'message', message_ts: container.ts, channel_id: container.channel, is_ephemeral: true },
      channel: { id: container.channel, name: container.channelName },
      response_url: responseUrl,
    };
  } else {
    const message: Record<string, unknown> = {
      type: 'message',
      user: botUserId,
      ts: container.ts,
      text: container.text,
      team: TEAM_ID,
      blocks: container.blocks,
    };
    if (container.threadTs) message.thread_ts = container.threadTs;
    const inner: Record<string, unknown> = { type: 'message', message_ts: container.ts, channel_id: container.channel, is_ephemeral: false };
    if (container.threadTs) inner.thread_ts = container.threadTs;
    payload = { ...common, container: inner, channel: { id: container.channel, name: container.channelName }, message, response_url: responseUrl };
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
