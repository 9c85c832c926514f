import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED = '[redacted]';
const TOKEN_PATTERN = /\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+/g;
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** response_url and webhook links let anyone post into the channel while they live. */
const HOOK_URL_PATTERN = /https:\/\/hooks\.slack\.com\/[^\s"'\\]+/g;

/** Object paths that hold credentials whose values we may not know (e.g. a backend password). */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  '*.*.token',
  '*.*.botToken',
  '*.*.appToken',
  '*.*.signingSecret',
  'password',
  '*.password',
  '*.*.password',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
];

/** Replaces known secret values and anything shaped like a Slack token, auth header or hook URL in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, REDACTED).replace(BEARER_PATTERN, `$1 ${REDACTED}`).replace(HOOK_URL_PATTERN, `https://hooks.slack.com/${REDACTED}`);
  for (const secret of secrets) {
    // Both the raw value and its JSON-escaped form, since lines are JSON.
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Configured secret values, removed from every line. */
  secrets?: readonly string[];
  destination?: DestinationStream;
}

/**
 * The process logger: JSON lines with credentials redacted by path, and every finished line scrubbed of
 * secret values and token shapes, wherever they came from (message, error, bindings, format arguments).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  // Lines are written asynchronously (off the ack path); logger.flush() writes what is still buffered
  // synchronously, which the bot does last on shutdown so no line is lost to process.exit.
  const buffered = target as DestinationStream & { flushSync?: () => void };
  const scrubbed = {
    write: (line: string) => target.write(scrub(line, secrets)),
    flush: (done?: (err?: Error) => void) => {
      try {
        buffered.flushSync?.();
        done?.();
      } catch (err) {
        done?.(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
  return pino({ level: options.level ?? 'info', base: { service: 'runbook-bot' }, redact: { paths: REDACT_PATHS, censor: REDACTED } }, scrubbed);
}
