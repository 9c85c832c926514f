import type { App, Context } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationStore } from '../store/store';

/** How long a Slack delivery's idempotency key is kept: far beyond Slack's retries (about an hour). */
export const DELIVERY_KEY_RETENTION_MS = 6 * 3_600_000;

/**
 * The idempotency key of one Slack delivery: the event id of an Events API callback, the trigger id of
 * a slash command or an interaction. A retried delivery carries the same one; undefined when the
 * payload has none (such a payload is processed, and whatever it asks for is still guarded by the
 * operation's compare-and-set).
 */
export function deliveryKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined);
  const eventId = text(b.event_id);
  if (eventId) return `event:${eventId}`;
  const trigger = text(b.trigger_id);
  if (!trigger) return undefined;
  if (typeof b.command === 'string') return `command:${trigger}`;
  if (typeof b.type === 'string') return `${b.type}:${trigger}`;
  return undefined;
}

type Claim = () => Promise<boolean>;
// The (lazy) claim of each delivery, left by the middleware for the listener that acks it; keyed by the
// request's context object, which Bolt hands to the middleware and to the listener alike.
const claims = new WeakMap<Context, Claim>();

/**
 * Registers the de-duplication of Slack deliveries (X-Slack-Retry-Num redeliveries, replays to another
 * replica): each delivery is processed by whichever replica records its key first. The key is recorded
 * only AFTER the ack, so the ack never waits on the store: Bolt acks events before any middleware runs,
 * so they are claimed here; commands and interactions are acked by their listener, which then calls
 * firstDelivery. Exactly-once effects do not depend on this (the operation's compare-and-set does that);
 * it spares a retried delivery a second plan or a second "already approved" message.
 */
export function registerDeliveryDedup(app: App, deps: { store: OperationStore; logger: Logger }): void {
  app.use(async ({ body, context, next, ...rest }) => {
    const key = deliveryKey(body);
    if (key) {
      let claimed: Promise<boolean> | undefined;
      const claim: Claim = () =>
        (claimed ??= deps.store.remember(key, DELIVERY_KEY_RETENTION_MS).then((first) => {
          if (!first) deps.logger.info({ key, retryNum: context.retryNum, retryReason: context.retryReason }, 'duplicate Slack delivery ignored');
          return first;
        }));
      claims.set(context, claim);
      // No ack here: an event (or anything else with no ack to give) was acknowledged by Bolt already.
      if (!('ack' in rest) && !(await claim())) return;
    }
    await next();
  });
}

/**
 * Whether this is the first delivery of the request being handled (false: a retry of one already
 * handled, to drop). Call it only after ack(): it may wait on the store.
 */
export function firstDelivery(context: Context): Promise<boolean> {
  return claims.get(context)?.() ?? Promise.resolve(true);
}
