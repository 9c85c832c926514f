import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';

/** Slack refuses to sign requests more than five minutes apart from now; so do we, in both directions. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Far above anything Slack sends (a slash command's text is at most a few kB). */
export const MAX_BODY_BYTES = 1024 * 1024;

// Set on a request only by our HTTP server, after checkSlackRequest accepted it; a symbol, so nothing a
// client sends (headers, body) can set it.
const GATE_PASSED = Symbol('runbook-bot.slack-request-gate-passed');

/** Marks `req` as signature- and shape-checked by checkSlackRequest (called by our HTTP server only). */
export function markGatePassed(req: IncomingMessage): void {
  (req as IncomingMessage & { [GATE_PASSED]?: true })[GATE_PASSED] = true;
}

/** True when checkSlackRequest accepted `req` (see markGatePassed). */
export function gatePassed(req: IncomingMessage): boolean {
  return (req as IncomingMessage & { [GATE_PASSED]?: true })[GATE_PASSED] === true;
}

export type GateResult = { ok: true } | { ok: false; status: number; error: string };

// Slack's ids are upper-case letters and digits; anything else did not come from Slack.
const slackId = z.string().regex(/^[A-Z0-9]{2,32}$/);
const shortText = z.string().max(4000);

const SlashCommand = z.object({
  command: z.string().regex(/^\/[\w-]{1,32}$/),
  text: z.string().max(MAX_BODY_BYTES),
  user_id: slackId,
  channel_id: slackId,
  team_id: slackId,
  response_url: shortText.optional(),
  trigger_id: shortText.optional(),
});

const Action = z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional(), type: z.string().max(64) });
const Interaction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('block_actions'),
    user: z.object({ id: slackId }),
    actions: z.array(Action).min(1).max(25),
    channel: z.object({ id: slackId }).optional(),
    container: z.object({}).passthrough().optional(),
    response_url: shortText.optional(),
    trigger_id: shortText.optional(),
  }),
  z.object({ type: z.enum(['block_suggestion', 'view_submission', 'view_closed', 'shortcut', 'message_action']), user: z.object({ id: slackId }) }),
]);

const EventEnvelope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().max(200) }),
  z.object({ type: z.literal('app_rate_limited') }),
  z.object({ type: z.literal('event_callback'), event_id: z.string().min(1).max(200), team_id: slackId.optional(), event: z.object({ type: z.string().min(1).max(100) }).passthrough() }),
]);

/** Verifies Slack's v0 signature (HMAC-SHA256 of `v0:<timestamp>:<body>`) in constant time. */
export function validSignature(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Everything a request to /slack/events must be before Bolt and our handlers see it: fresh, signed
 * with our secret, and shaped like what Slack sends. Hostile or broken requests end here with a
 * 4xx, so no handler has to survive a payload Slack would never send.
 */
export function checkSlackRequest(body: Buffer, headers: IncomingHttpHeaders, secret: string, nowSeconds: number): GateResult {
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const ts = Number(timestamp);
  if (!timestamp || !Number.isInteger(ts) || Math.abs(nowSeconds - ts) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, status: 401, error: 'stale or missing x-slack-request-timestamp' };
  }
  const contentType = (header(headers, 'content-type') ?? '').split(';')[0]!.trim();
  const text = body.toString('utf8');
  // Slack's SSL check is unsigned; Bolt answers it and drops anything smuggled along.
  if (contentType === 'application/x-www-form-urlencoded' && text === 'ssl_check=1') return { ok: true };
  const signature = header(headers, 'x-slack-signature');
  if (!signature || !validSignature(secret, timestamp, body, signature)) return { ok: false, status: 401, error: 'invalid signature' };
  return checkShape(contentType, text);
}

function checkShape(contentType: string, text: string): GateResult {
  const malformed: GateResult = { ok: false, status: 400, error: 'malformed Slack request' };
  try {
    if (contentType === 'application/json') return EventEnvelope.safeParse(JSON.parse(text)).success ? { ok: true } : malformed;
    if (contentType !== 'application/x-www-form-urlencoded') return { ok: false, status: 415, error: 'unsupported content type' };
    const form = parseQuery(text);
    // A repeated key arrives as an array: Slack never repeats one.
    if (Object.values(form).some((v) => Array.isArray(v))) return malformed;
    if (typeof form.payload === 'string') return Interaction.safeParse(JSON.parse(form.payload)).success ? { ok: true } : malformed;
    return SlashCommand.safeParse(form).success ? { ok: true } : malformed;
  } catch {
    return malformed; // JSON that does not parse
  }
}
