import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ClickOrigin } from '../../operations/approval-gate';

export type ClickArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Who clicked, and where (channel, workspace, message), as the click payload says. */
export interface Click {
  user: string;
  from: ClickOrigin;
  /** The clicked button's value, or the picked menu option's value. */
  value: string | undefined;
  /** The message carrying the button, when the click came from a message. */
  messageTs?: string;
}

/** Reads who clicked and where from a block_actions payload; the gate compares `from` with the operation's home. */
export function clickOf(body: BlockAction): Click {
  const action = body.actions[0];
  const value = action?.type === 'button' ? action.value : action?.type === 'static_select' || action?.type === 'overflow' ? action.selected_option?.value : undefined;
  const container = body.container as { channel_id?: string; message_ts?: string } | undefined;
  return {
    user: body.user.id,
    value,
    from: { channel: body.channel?.id ?? container?.channel_id, team: body.team?.id ?? undefined },
    messageTs: (body.message as { ts?: string } | undefined)?.ts ?? container?.message_ts,
  };
}

/** Tells only the clicker: an ephemeral message in the click's channel, or (when that fails or there is none) via response_url. */
export async function tellClicker(args: ClickArgs, text: string): Promise<void> {
  const { user, from } = clickOf(args.body);
  if (from.channel) {
    const posted = await args.client.chat.postEphemeral({ channel: from.channel, user, text }).then(
      () => true,
      () => false,
    );
    if (posted) return;
  }
  await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}

/** A click handler: the parsed click, a child logger, and a way to answer the clicker. */
export type ClickHandler = (args: ClickArgs, click: Click, log: Logger) => Promise<void>;

/**
 * Registers the listener for `actionId` behind the one shared guard: ack first, one child logger per
 * click, and a clear message with a reference instead of a silent failure. Every button and menu of the
 * bot is registered through here; what it may do is decided by the approval gate (operations/approval-gate).
 */
export function onClick(app: App, logger: Logger, actionId: string, handler: ClickHandler): void {
  app.action<BlockAction>({ type: 'block_actions', action_id: actionId }, async (args) => {
    await args.ack();
    const click = clickOf(args.body);
    const log = logger.child({ requestId: args.body.trigger_id, user: click.user, action: actionId });
    try {
      await handler(args, click, log);
    } catch (err) {
      const ref = randomUUID().slice(0, 8);
      log.error({ err, ref }, 'click handler failed');
      await tellClicker(args, `:x: Something went wrong on my side (reference \`${ref}\`). Nothing was run.`).catch(() => undefined);
    }
  });
}
