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
