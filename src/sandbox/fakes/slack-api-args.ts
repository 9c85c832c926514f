// How the Slack emulator reads a request's arguments: form-urlencoded or JSON, with JSON inside form fields.
import type { Json, MessageVersion } from './slack-api-types';

// Slack encodes structured arguments as JSON inside form fields; tests want the structure back.
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view', 'files'];

/** Parses a form-urlencoded or JSON request body the way Slack's API accepts either. */
export function parseArgs(contentType: string | undefined, body: string): Json | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let args: unknown;
  if (type === 'application/json') args = tryJson(body === '' ? '{}' : body);
  else if (type === 'application/x-www-form-urlencoded' || (type === '' && body === '')) {
    args = Object.fromEntries(new URLSearchParams(body));
  }
  if (!isObject(args)) return undefined;
  for (const field of JSON_FIELDS) {
    const value = args[field];
    // Malformed JSON stays the raw string so the test can see what was actually sent.
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) args[field] = tryJson(value) ?? value;
  }
  return args;
}

/** The parsed JSON, or undefined when `text` is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The text, blocks and attachments a chat.* call sent. */
export function contentOf(args: Json): MessageVersion {
  const version: MessageVersion = { text: str(args.text) ?? '' };
  if (Array.isArray(args.blocks)) version.blocks = args.blocks as Json[];
  if (Array.isArray(args.attachments)) version.attachments = args.attachments as Json[];
  return version;
}

/** A copy of what a message shows now. */
export function versionOf(msg: MessageVersion): MessageVersion {
  const version: MessageVersion = { text: msg.text };
  if (msg.blocks) version.blocks = msg.blocks;
  if (msg.attachments) version.attachments = msg.attachments;
  return version;
}

/** The token of an `Authorization: Bearer` header. */
export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** A string or number argument as a string; undefined otherwise. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
