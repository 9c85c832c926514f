import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ClickOrigin } from '../../operations/approval-gate';
import { limiter } from '../../util/limit';
import { firstDelivery } from '../delivery-keys';
import { afterBurst, arrived } from './burst';

export type ClickArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Who clicked, and where (channel, workspace, message), as the click payload says. */
export interface Click<V = string | undefined> {
  user: string;
  from: ClickOrigin;
  /** The clicked button's value, or the picked menu option's value (parsed by the listener's schema when it has one). */
  value: V;
  /** The message carrying the button, when the click came from a message. */
  messageTs?: string;
}

// Slack's ids are upper-case letters and digits, and message timestamps `<seconds>.<micro>`; a click
// carrying anything else was not sent by Slack, and its origin cannot be compared with an operation's.
const SlackId = z.string().regex(/^[A-Z0-9]{2,32}$/);
const MessageTs = z.string().regex(/^[0-9]{1,12}\.[0-9]{1,8}$/);
const ClickedValue = z.string().max(2000);

/** The parts of a block_actions payload the bot reads; everything else is ignored. */
const ClickPayload = z.object({
  user: z.object({ id: SlackId }),
  actions: z.array(z.object({ value: ClickedValue.optional(), selected_option: z.object({ value: ClickedValue }).nullish() })).min(1),
  channel: z.object({ id: SlackId }).nullish(),
  team: z.object({ id: SlackId }).nullish(),
  container: z.object({ channel_id: SlackId.optional(), message_ts: MessageTs.optional() }).nullish(),
  message: z.object({ ts: MessageTs }).nullish(),
});

/** Reads who clicked and where from a block_actions payload (undefined when it cannot); the gate compares `from` with the operation's home. */
export function clickOf(body: unknown): Click | undefined {
  const parsed = ClickPayload.safeParse(body);
  if (!parsed.success) return undefined;
  const b = parsed.data;
  const action = b.actions[0]!;
  return {
    user: b.user.id,
    value: action.value ?? action.selected_option?.value,
    from: { channel: b.channel?.id ?? b.container?.channel_id, team: b.team?.id },
    messageTs: b.message?.ts ?? b.container?.message_ts,
  };
}

/** Tells only the clicker: an ephemeral message in the click's channel, or (when that fails or there is none) via response_url. */
export async function tellClicker(args: ClickArgs, text: string): Promise<void> {
  const click = clickOf(args.body);
  if (click?.from.channel) {
    const posted = await args.client.chat.postEphemeral({ channel: click.from.channel, user: click.user, text }).then(
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
    lane = limiter(AFTER_ACK_CONCURRENCY, {
      releaseSlotAfterMs: SLOT_DEADLINE_MS,
      onOverstay: () => logger.warn('a click is still working after 5 s: its slot goes to the next one'),
    });
    lanes.set(app, lane);
  }
  return lane;
}

/** A click handler: the parsed click, a child logger, and a way to answer the clicker. */
export type ClickHandler<V = string | undefined> = (args: ClickArgs, click: Click<V>, log: Logger) => Promise<void>;

/** A listener's action id and what its clicked value must be. */
export interface ClickSpec<V> {
  id: string;
  /** The value the bot put on the button or option; anything else is refused with `invalid`, never guessed. */
  value: z.ZodType<V>;
  /** What the clicker is told when the value does not parse, e.g. "This button is not valid. Nothing was approved." */
  invalid: string;
  /** The operation the value names, bound to the click's logger. */
  operationOf?(value: NoInfer<V>): string | undefined;
}

/** What the clicker is told when the payload itself cannot be read (Slack would not send it). */
export const UNREADABLE_CLICK = ':warning: I could not read this click, so nothing was done. Try again from the message itself.';

// One listener per action id and app: a second one would run the same click twice.
const registered = new WeakMap<App, Set<string>>();

/**
 * Registers the listener for an action id behind the one interaction middleware: ack first (nothing
 * before it), the payload parsed with zod (what cannot be read is refused with a message to the clicker),
 * a retried delivery dropped, one child logger per click, the clicked value parsed with the spec's schema,
 * and a message with a short reference (also logged) instead of a silent failure. Every button and menu
 * of the bot is registered through here; what it may do is decided by the approval gate
 * (operations/approval-gate).
 */
export function onClick(app: App, logger: Logger, action: string, handler: ClickHandler): void;
export function onClick<V>(app: App, logger: Logger, action: ClickSpec<V>, handler: ClickHandler<V>): void;
export function onClick<V>(app: App, logger: Logger, action: string | ClickSpec<V>, handler: ClickHandler<V> | ClickHandler): void {
  const spec = typeof action === 'string' ? undefined : action;
  const actionId = typeof action === 'string' ? action : action.id;
  const ids = registered.get(app) ?? new Set<string>();
  if (ids.has(actionId)) throw new Error(`Two listeners for the action id ${actionId}: each id has one.`);
  registered.set(app, ids.add(actionId));
  const lane = laneOf(app, logger);
  app.action<BlockAction>({ type: 'block_actions', action_id: actionId }, async (args) => {
    arrived(app); // memory only: nothing slow before the ack
    await args.ack();
    // The ack alone: the rest waits until the clicks arriving with it have been read and acked, and runs
    // in the app's click lane (exactly once is the operation's compare-and-set, not this order).
    await afterBurst(app);
    await lane(() => handle(args, logger, actionId, spec, handler as ClickHandler<V>));
  });
}

/**
 * A click's work after its ack: the payload and value parsed (refused with a message when they cannot
 * be read), a retried delivery dropped, the handler run, the clicker told (with a reference) on failure.
 */
async function handle<V>(args: ClickArgs, logger: Logger, actionId: string, spec: ClickSpec<V> | undefined, handler: ClickHandler<V>): Promise<void> {
  let log = logger.child({ requestId: args.body.trigger_id, action: actionId });
  try {
    const click = clickOf(args.body);
    if (!click) {
      log.warn(
        { issues: ClickPayload.safeParse(args.body).error?.issues.map((i) => i.path.join('.')) },
        'click payload refused: it does not have the shape Slack sends',
      );
      await args.respond({ response_type: 'ephemeral', replace_original: false, text: UNREADABLE_CLICK });
      return;
    }
    log = log.child({ user: click.user });
    // After the ack: a retried delivery of a click already handled is dropped.
    if (!(await firstDelivery(args.context))) return;
    if (!spec) return await (handler as unknown as ClickHandler)(args, click, log);
    const value = spec.value.safeParse(click.value);
    if (!value.success) {
      log.warn('click refused: its value is not one the bot offers');
      return await tellClicker(args, `:warning: ${spec.invalid}`);
    }
    const operationId = spec.operationOf?.(value.data);
    if (operationId) log = log.child({ operationId });
    await handler(args, { ...click, value: value.data }, log);
  } catch (err) {
    const ref = randomUUID().slice(0, 8);
    log.error({ err, ref }, 'click handler failed');
    await tellClicker(args, `:x: Something went wrong on my side (reference \`${ref}\`). Nothing was run.`).catch(() => undefined);
  }
}
