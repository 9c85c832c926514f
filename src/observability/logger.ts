import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED = '[redacted]';
const TOKEN_PATTERN = /\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+/g;
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Object paths that hold credentials wherever they appear in a log line. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
];

/** Replaces known secret values and anything shaped like a Slack token or auth header in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, REDACTED).replace(BEARER_PATTERN, `$1 ${REDACTED}`);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message, secrets), stack: value.stack && scrub(value.stack, secrets), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets, depth + 1)]));
}

export interface LoggerOptions {
  level?: string;
  /** Configured secret values, removed from every line. */
  secrets?: readonly string[];
  destination?: DestinationStream;
}

/** The process logger: JSON lines, credentials redacted by path, by value and by shape. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'runbook-bot' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: { log: (obj) => scrubDeep(obj, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a, secrets) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
