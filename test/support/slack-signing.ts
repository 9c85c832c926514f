import { createHmac } from 'node:crypto';

/** Headers Slack attaches to every request it sends to an app. */
export interface SlackSignedHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
}

/** Options for postToSlackEndpoint. */
export interface PostToSlackOptions {
  secret: string;
  /** Default: JSON when the body starts with `{`, otherwise form-urlencoded (as Slack sends them). */
  contentType?: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Sent instead of the correct signature, to forge or corrupt a request. */
  signature?: string;
  /** Extra headers, applied last so they can override the signed ones. */
  headers?: Record<string, string>;
}

/** The endpoint's answer; `json` is set when the body parses as JSON. */
export interface SlackEndpointResponse {
  status: number;
  text: string;
  json?: unknown;
}

/** Computes Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Builds the signature, timestamp and content-type headers Slack would send with `body`. */
export function signedHeaders(
  secret: string,
  body: string,
  { timestamp = nowSeconds(), contentType = defaultContentType(body) }: { timestamp?: number; contentType?: string } = {},
): SlackSignedHeaders {
  return {
    'x-slack-signature': slackSignature(secret, timestamp, body),
    'x-slack-request-timestamp': String(timestamp),
    'content-type': contentType,
  };
}

/** POSTs `body` to an app endpoint signed the way Slack signs it. */
export async function postToSlackEndpoint(url: string, body: string, options: PostToSlackOptions): Promise<SlackEndpointResponse> {
  const headers: Record<string, string> = {
    ...signedHeaders(options.secret, body, {
      timestamp: options.timestamp ?? nowSeconds(),
      contentType: options.contentType ?? defaultContentType(body),
    }),
  };
  if (options.signature !== undefined) headers['x-slack-signature'] = options.signature;
  Object.assign(headers, options.headers);
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const result: SlackEndpointResponse = { status: res.status, text };
  try {
    result.json = JSON.parse(text);
  } catch {
    // Bolt acks with an empty body; that is a valid answer, not a parse failure to report.
  }
  return result;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function defaultContentType(body: string): string {
  return body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
}
