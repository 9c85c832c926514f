import { isValidSlackRequest } from '@slack/bolt';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { MIMEType } from 'node:util';
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

/**
 * `ok`: a signed Slack request for Bolt, whose content type is `contentType` (the media type alone, as
 * Bolt compares it); `ssl_check`: Slack's certificate check, answered 200 and never handed to Bolt.
 */
export type GateResult = { ok: true; kind: 'slack'; contentType: MediaType } | { ok: true; kind: 'ssl_check' } | { ok: false; status: number; error: string };

/** The two media types Slack sends. */
export type MediaType = 'application/json' | 'application/x-www-form-urlencoded';
const isMediaType = (v: string): v is MediaType => v === 'application/json' || v === 'application/x-www-form-urlencoded';

// Whole seconds in plain decimal digits, as Slack sends them: `Number()` would also read `0x6b13be0b`,
// `1.79e9`, ` 123` or `+123`, which Slack never sends.
const Timestamp = z
  .string()
  .regex(/^[0-9]{1,12}$/)
  .transform(Number);

/**
 * The request's Slack timestamp when present: `fresh` (plain digits, within five minutes of now),
 * `invalid` (anything else Slack would not send), or `missing`.
 */
export function slackTimestamp(headers: IncomingHttpHeaders, nowSeconds: number): { state: 'fresh'; value: string } | { state: 'invalid' | 'missing' } {
  const raw = headers['x-slack-request-timestamp'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return { state: 'missing' };
  const ts = Timestamp.safeParse(value);
  return ts.success && Math.abs(nowSeconds - ts.data) <= MAX_CLOCK_SKEW_SECONDS ? { state: 'fresh', value } : { state: 'invalid' };
}

/**
 * The media type of a Content-Type header when it is one Slack sends, read with a real MIME parser:
 * parameters other than `charset=utf-8` (which Slack may add) are refused, since the body is read as UTF-8.
 */
export function slackMediaType(header: string | undefined): MediaType | undefined {
  let mime: MIMEType;
  try {
    mime = new MIMEType(header ?? '');
  } catch {
    return undefined;
  }
  const params = [...mime.params.keys()];
  if (params.some((p) => p !== 'charset') || (params.length > 0 && mime.params.get('charset')?.toLowerCase() !== 'utf-8')) return undefined;
  return isMediaType(mime.essence) ? mime.essence : undefined;
}

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
  z.object({
    type: z.literal('event_callback'),
    event_id: z.string().min(1).max(200),
    team_id: slackId.optional(),
    event: z.object({ type: z.string().min(1).max(100) }).passthrough(),
  }),
]);

/**
 * Verifies Slack's v0 signature (HMAC-SHA256 of `v0:<timestamp>:<body>`, compared in constant time) with
 * Bolt's exported verification. `timestamp` has passed slackTimestamp (plain digits, fresh in both
 * directions, which Bolt's past-only staleness check is not); `nowSeconds` defaults to it, so Bolt's
 * own staleness check never refuses what ours accepted. Bolt signs the body as text: a body that is not
 * UTF-8 (Slack sends only UTF-8) does not survive the decoding and is refused.
 */
export function validSignature(secret: string, timestamp: string, body: Buffer, signature: string, nowSeconds = Number(timestamp)): boolean {
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return false;
  return isValidSlackRequest({
    signingSecret: secret,
    body: text,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    nowMilliseconds: nowSeconds * 1000,
  });
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
  const contentType = slackMediaType(header(headers, 'content-type'));
  if (!contentType) return { ok: false, status: 415, error: 'unsupported content type' };
  const text = body.toString('utf8');
  const timestamp = slackTimestamp(headers, nowSeconds);
  const signature = header(headers, 'x-slack-signature');
  if (contentType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') {
    // Slack's certificate check of a slash command URL (`ssl_check=1&token=…`): answered 200 and never
    // processed. Bolt answers it without a signature, so do we; a signature that is there must be valid.
    if (signature === undefined && timestamp.state !== 'invalid') return { ok: true, kind: 'ssl_check' };
    if (timestamp.state === 'fresh' && signature !== undefined && validSignature(secret, timestamp.value, body, signature, nowSeconds))
      return { ok: true, kind: 'ssl_check' };
    return { ok: false, status: 401, error: 'invalid signature' };
  }
  if (timestamp.state !== 'fresh') return { ok: false, status: 401, error: 'stale or missing x-slack-request-timestamp' };
  if (!signature || !validSignature(secret, timestamp.value, body, signature, nowSeconds)) return { ok: false, status: 401, error: 'invalid signature' };
  const shape = checkShape(contentType, text);
  return shape.ok ? { ok: true, kind: 'slack', contentType } : shape;
}

function checkShape(contentType: MediaType, text: string): { ok: true } | { ok: false; status: number; error: string } {
  const malformed = { ok: false, status: 400, error: 'malformed Slack request' } as const;
  try {
    if (contentType === 'application/json') return EventEnvelope.safeParse(JSON.parse(text)).success ? { ok: true } : malformed;
    const form = parseQuery(text);
    // A repeated key arrives as an array: Slack never repeats one.
    if (Object.values(form).some((v) => Array.isArray(v))) return malformed;
    if (typeof form.payload === 'string') return Interaction.safeParse(JSON.parse(form.payload)).success ? { ok: true } : malformed;
    return SlashCommand.safeParse(form).success ? { ok: true } : malformed;
  } catch {
    return malformed; // JSON that does not parse
  }
}
