import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ClickOrigin } from '../../operations/approval-gate';
import { limiter } from '../../util/limit';
import { firstDelivery } from '../delivery-keys';

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

/** Clicks whose work after the ack runs at once (per app); the others queue in arrival order. */
const AFTER_ACK_CONCURRENCY = 4;
/** After this long a click's work gives its slot to the next one (it stays bounded by its own deadlines). */
const SLOT_DEADLINE_MS = 5_000;
// One lane per app, shared by every button and menu: 200 approvals at once would otherwise each start
// their store calls and step runs right after their own ack, on the event loop that still has to read
// and ack the clicks queued behind them.
const lanes = new WeakMap<App, ReturnType<typeof limiter>>();

function laneOf(app: App, logger: Logger): ReturnType<typeof limiter> {
  let lane = lanes.get(app);
  if (!lane) {
    lane = limiter(AFTER_ACK_CONCURRENCY, { releaseSlotAfterMs: SLOT_DEADLINE_MS, onOverstay: () => logger.warn('a click is still working after 5 s: its slot goes to the next one') });
    lanes.set(app, lane);
  }
  return lane;
}

/** A click handler: the parsed click, a child logger, and a way to answer the clicker. */
export type ClickHandler = (args: ClickArgs, click: Click, log: Logger) => Promise<void>;

/**
 * Registers the listener for `actionId` behind the one shared guard: ack first, one child logger per
 * click, and a clear message with a reference instead of a silent failure. Every button and menu of the
 * bot is registered through here; what it may do is decided by the approval gate (operations/approval-gate).
 */
export function onClick(app: App, logger: Logger, actionId: string, handler: ClickHandler): void {
  const lane = laneOf(app, logger);
  app.action<BlockAction>({ type: 'block_actions', action_id: actionId }, async (args) => {
    await args.ack();
    // The ack alone: the rest waits until the requests already received have been read and acked, and
    // runs in the app's click lane (exactly once is the operation's compare-and-set, not this order).
    await new Promise<void>((resolve) => setImmediate(resolve));
    await lane(() => handle(args, logger, actionId, handler));
  });
}

/** A click's work after its ack: drop a retried delivery, run the handler, tell the clicker on failure. */
async function handle(args: ClickArgs, logger: Logger, actionId: string, handler: ClickHandler): Promise<void> {
  const click = clickOf(args.body);
  const log = logger.child({ requestId: args.body.trigger_id, user: click.user, action: actionId });
  try {
    // After the ack: a retried delivery of a click already handled is dropped.
    if (await firstDelivery(args.context)) await handler(args, click, log);
  } catch (err) {
    const ref = randomUUID().slice(0, 8);
    log.error({ err, ref }, 'click handler failed');
    await tellClicker(args, `:x: Something went wrong on my side (reference \`${ref}\`). Nothing was run.`).catch(() => undefined);
  }
}
