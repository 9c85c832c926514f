// Fixture builders shaped like the payloads Slack sends (slash commands, block_actions, Events API).
// Values that Slack randomises are derived from a counter so runs are reproducible.

/** Arguments for slashCommand. */
export interface SlashCommandArgs {
  text: string;
  responseUrl: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
  command?: string;
  teamId?: string;
}

/** Arguments for blockAction / blockActionPayload. */
export interface BlockActionArgs {
  userId: string;
  actionId: string;
  value: string;
  messageTs: string;
  responseUrl: string;
  channelId?: string;
  channelName?: string;
  userName?: string;
  triggerId?: string;
  blockId?: string;
  actionTs?: string;
  /** Label of the clicked button; default 'Button'. */
  buttonText?: string;
  /** Text and blocks of the message carrying the button, as Slack echoes it back. */
  messageText?: string;
  messageBlocks?: unknown[];
  teamId?: string;
  botUserId?: string;
}

/** Arguments for messageEvent. */
export interface MessageEventArgs {
  channel: string;
  text: string;
  ts: string;
  user?: string;
  botId?: string;
  threadTs?: string;
  eventId?: string;
  subtype?: string;
  teamId?: string;
  botUserId?: string;
}

/** A block_actions payload for a button click. */
export type BlockActionPayload = Record<string, unknown> & {
  type: 'block_actions';
  actions: Record<string, unknown>[];
};

const VERIFICATION_TOKEN = 'fixtureVerificationToken';
const API_APP_ID = 'A0RUNBOOK';
const TEAM_DOMAIN = 'runbook-test';
let sequence = 0;

function nextTriggerId(): string {
  sequence += 1;
  return `${1700000000 + sequence}.1234567890.${sequence.toString(16).padStart(32, 'f')}`;
}

function defaultUserName(userId: string): string {
  return `user-${userId.toLowerCase()}`;
}

/** Builds the form-urlencoded body Slack POSTs for a slash command. */
export function slashCommand(args: SlashCommandArgs): string {
  const userId = args.userId ?? 'UREQ';
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: args.teamId ?? 'T0001',
    team_domain: TEAM_DOMAIN,
    channel_id: args.channelId ?? 'CDATAENG',
    channel_name: args.channelName ?? 'guild-data-eng',
    user_id: userId,
    user_name: args.userName ?? defaultUserName(userId),
    command: args.command ?? '/runbook',
    text: args.text,
    api_app_id: API_APP_ID,
    is_enterprise_install: 'false',
    response_url: args.responseUrl,
    trigger_id: args.triggerId ?? nextTriggerId(),
  }).toString();
}

/** Builds the parsed block_actions payload of a button click on a channel message. */
export function blockActionPayload(args: BlockActionArgs): BlockActionPayload {
  const teamId = args.teamId ?? 'T0001';
  const channelId = args.channelId ?? 'CDATAENG';
  const userName = args.userName ?? defaultUserName(args.userId);
  const actionTs = args.actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(6, '0')}`;
  return {
    type: 'block_actions',
    user: { id: args.userId, username: userName, name: userName, team_id: teamId },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: args.messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: args.triggerId ?? nextTriggerId(),
    team: { id: teamId, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: args.channelName ?? 'guild-data-eng' },
    message: {
      type: 'message',
      user: args.botUserId ?? 'UBOT',
      ts: args.messageTs,
      bot_id: 'BBOT',
      app_id: API_APP_ID,
      text: args.messageText ?? '',
      team: teamId,
      ...(args.messageBlocks ? { blocks: args.messageBlocks } : {}),
    },
    state: { values: {} },
    response_url: args.responseUrl,
    actions: [
      {
        action_id: args.actionId,
        block_id: args.blockId ?? 'actions',
        text: { type: 'plain_text', text: args.buttonText ?? 'Button', emoji: true },
        value: args.value,
        type: 'button',
        action_ts: actionTs,
      },
    ],
  };
}

/** Builds the form body (`payload=<urlencoded JSON>`) Slack POSTs for a button click. */
export function blockAction(args: BlockActionArgs): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionPayload(args)) }).toString();
}

/** Builds the JSON body of an Events API `event_callback` carrying a `message` event. */
export function messageEvent(args: MessageEventArgs): string {
  const teamId = args.teamId ?? 'T0001';
  sequence += 1;
  const event: Record<string, unknown> = {
    type: 'message',
    channel: args.channel,
    text: args.text,
    ts: args.ts,
    event_ts: args.ts,
    channel_type: 'channel',
  };
  if (args.user !== undefined) event.user = args.user;
  if (args.botId !== undefined) event.bot_id = args.botId;
  // Integrations and webhooks post as bot_id without a user, which Slack marks with the bot_message subtype.
  const subtype = args.subtype ?? (args.botId !== undefined && args.user === undefined ? 'bot_message' : undefined);
  if (subtype !== undefined) event.subtype = subtype;
  if (args.threadTs !== undefined) event.thread_ts = args.threadTs;
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: API_APP_ID,
    event,
    type: 'event_callback',
    event_id: args.eventId ?? `Ev${String(sequence).padStart(9, '0')}`,
    event_time: Math.floor(Number(args.ts)),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: args.botUserId ?? 'UBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
}

/** Builds the JSON body of an Events API `event_callback` carrying `app_home_opened` (the user opened the app's Home tab). */
export function appHomeOpened(args: { userId: string; tab?: 'home' | 'messages'; eventId?: string; teamId?: string }): string {
  const teamId = args.teamId ?? 'T0001';
  sequence += 1;
  const eventTs = `${1700000000 + sequence}.000100`;
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: API_APP_ID,
    event: { type: 'app_home_opened', user: args.userId, channel: 'D0APPHOME', tab: args.tab ?? 'home', event_ts: eventTs },
    type: 'event_callback',
    event_id: args.eventId ?? `Ev${String(sequence).padStart(9, '0')}`,
    event_time: Math.floor(Number(eventTs)),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

/** The parts of a posted message needed to click one of its buttons (an EmulatedMessage fits). */
export interface MessageWithBlocks {
  channel: string;
  ts: string;
  text: string;
  blocks?: Record<string, unknown>[];
}

/**
 * Builds the block_actions form body for clicking the button `actionId` in `message`,
 * taking value, block_id and label from the real button so a test cannot click a button that was never posted.
 */
export function clickButton(message: MessageWithBlocks, actionId: string, click: { userId: string; responseUrl: string } & Partial<BlockActionArgs>): string {
  for (const block of message.blocks ?? []) {
    const elements = Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [];
    const button = elements.find((e) => e.type === 'button' && e.action_id === actionId);
    if (!button) continue;
    const label = (button.text as { text?: unknown } | undefined)?.text;
    return blockAction({
      actionId,
      value: typeof button.value === 'string' ? button.value : '',
      messageTs: message.ts,
      channelId: message.channel,
      messageText: message.text,
      messageBlocks: message.blocks,
      ...(typeof block.block_id === 'string' ? { blockId: block.block_id } : {}),
      ...(typeof label === 'string' ? { buttonText: label } : {}),
      ...click,
    });
  }
  throw new Error(`No button with action_id '${actionId}' in message ${message.channel}/${message.ts}`);
}
