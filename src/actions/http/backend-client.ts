import type { z } from 'zod';
import { BackendError, networkError, summarizeBody } from './errors';
import { fetchCapped } from './capped-fetch';

/** Headers a request carries for its backend (authorization...); their values are secrets. */
export type AuthHeaders = (signal: AbortSignal) => Promise<Record<string, string>> | Record<string, string>;

/** What a non-2xx answer turns into; return undefined for the client's generic error. */
export type StatusErrorMapper = (answer: BackendAnswer, where: string) => BackendError | undefined;

export interface BackendClientOptions {
  /** Named in every error (`Metapod`, `GoCD`...). */
  backend: string;
  /** Deadline of one request, from sending it to the end of its body. */
  timeoutMs: number;
  /** Bodies larger than this are refused while they stream in (default 1 MiB). */
  maxBytes?: number;
  /** Headers added to every request (authorization); their values never appear in an error. */
  auth?: AuthHeaders;
  /** Other strings that must never appear in an error (passwords sent in a body). */
  secrets?: readonly string[];
}

export interface BackendRequest {
  method?: string;
  /** An absolute URL whose path values went through `pathSegment()`. */
  url: string;
  accept?: string;
  headers?: Record<string, string>;
  /** A JSON body (sent with content-type application/json). */
  json?: unknown;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** A raw body, sent as it is (e.g. the empty body of a POST without payload). */
  body?: string;
  contentType?: string;
  maxBytes?: number;
  /** Keep the END of a body larger than maxBytes (logs) instead of refusing it. */
  keepEnd?: boolean;
  /** Send no auth headers (a probe that must not hand credentials to an unknown server). */
  anonymous?: boolean;
  signal?: AbortSignal;
  /** Turns a non-2xx answer into the adapter's own error; undefined falls back to the generic one. */
  statusError?: StatusErrorMapper;
  /** Added to an unreadable answer's message (what to check in the configuration). */
  hint?: string;
}

/** A backend's answer, its body read within the size cap. */
export interface BackendAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  /** The body in one short line, secrets removed: the only part of a body that may reach a message. */
  excerpt: string;
  /** Removes this request's secrets from a text (for adapters that quote more of the body). */
  redact: (text: string) => string;
}

/** The one HTTP client of every backend adapter: deadline, streamed size cap, typed errors, zod-read answers. */
export class BackendClient {
  readonly backend: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(private readonly options: BackendClientOptions) {
    this.backend = options.backend;
    this.timeoutMs = options.timeoutMs;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
  }

  /** Sends one request and reads its body within the cap, whatever the status; network failures are BackendErrors. */
  async send(req: BackendRequest): Promise<BackendAnswer> {
    const secrets = [...(this.options.secrets ?? [])];
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json', ...req.headers };
    if (!req.anonymous && this.options.auth) {
      // Getting the headers (a login) has its own deadline; the request then gets a whole one in fetchCapped.
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      let auth: Record<string, string>;
      try {
        auth = await this.options.auth(signal);
      } catch (err) {
        if (err instanceof BackendError) throw err;
        throw networkError(this.backend, req.url, err, this.timeoutMs, req.signal);
      }
      for (const [name, value] of Object.entries(auth)) {
        headers[name] = value;
        secrets.push(value, ...value.split(/[ =]/).filter((part) => part.length >= 8));
      }
    }
    const { body, contentType } = encodeBody(req);
    if (contentType) headers['content-type'] = req.contentType ?? contentType;
    const { response, body: bytes } = await fetchCapped(
      req.url,
      { method: req.method ?? 'GET', headers, body, signal: req.signal },
      { backend: this.backend, timeoutMs: this.timeoutMs, maxBytes: req.maxBytes ?? this.maxBytes, keepEnd: req.keepEnd === true },
    );
    const text = bytes.toString('utf8');
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text,
      excerpt: redact(summarizeBody(text), secrets),
      redact: (t) => redact(t, secrets),
    };
  }

  /** Sends one request; a non-2xx answer is a BackendError (the request's own mapper first, then the generic one). */
  async request(req: BackendRequest): Promise<BackendAnswer> {
    const answer = await this.send(req);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const err = req.statusError?.(answer, where(req)) ?? statusError(this.backend, answer, where(req));
    err.message = answer.redact(err.message);
    throw err;
  }

  /** A request whose 2xx answer must be JSON matching `schema`; anything else fails closed with a BackendError. */
  async json<S extends z.ZodType>(req: BackendRequest, schema: S): Promise<z.infer<S>> {
    const answer = await this.request(req);
    return parseAnswer(this.backend, schema, answer, req.hint);
  }
}

/** The generic BackendError of a non-2xx answer: backend, status and a short excerpt (never a secret). */
export function statusError(backend: string, answer: BackendAnswer, where?: string): BackendError {
  const to = where ? ` (${where})` : '';
  if (answer.status === 401 || answer.status === 403) {
    return new BackendError(
      backend,
      'http_status',
      `${backend} refused the request${to} with ${answer.status}: check the bot's credentials for ${backend} and what they may do.`,
      answer.status,
      answer.excerpt,
    );
  }
  const status = answer.statusText ? `${answer.status} ${answer.statusText}` : String(answer.status);
  return new BackendError(backend, 'http_status', `${backend} answered ${status}: ${shorten(answer.excerpt, 200)}`, answer.status, answer.excerpt);
}

/** Parses a JSON answer with `schema`; a mismatch names the first field it could not read. */
export function parseAnswer<S extends z.ZodType>(
  backend: string,
  schema: S,
  answer: Pick<BackendAnswer, 'status' | 'text' | 'excerpt'>,
  hint?: string,
): z.infer<S> {
  const then = hint ? `. ${hint}` : '';
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw new BackendError(
      backend,
      'unreadable_answer',
      `could not read ${backend}'s answer: it is not JSON (${shorten(answer.excerpt, 120)})${then}`,
      answer.status,
      answer.excerpt,
    );
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.join('.') || '(the whole body)';
  throw new BackendError(backend, 'unreadable_answer', `could not read ${backend}'s answer: ${field}${then}`, answer.status, answer.excerpt);
}

function encodeBody(req: BackendRequest): { body?: string; contentType?: string } {
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' };
  if (req.form !== undefined) return { body: new URLSearchParams(req.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  if (req.body !== undefined) return { body: req.body, contentType: req.contentType };
  return {};
}

/** `GET /path` without the query (a query can carry values that do not belong in a message). */
function where(req: BackendRequest): string {
  try {
    return `${req.method ?? 'GET'} ${new URL(req.url).pathname}`;
  } catch {
    return req.method ?? 'GET';
  }
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Every occurrence of a secret replaced, so an echoing backend cannot leak one into Slack or the logs. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}
