import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { slackFrontDoor } from '../slack/front-door';
import { MAX_CLOCK_SKEW_SECONDS, slackTimestamp } from '../slack/request-gate';

export { MAX_CLOCK_SKEW_SECONDS };

/**
 * How long a client may take to send a request's headers, and the whole request: nothing is
 * authenticated before the body has arrived, and Slack itself gives up after 3 s, so a slower sender
 * is not Slack. The connection is then answered 408 and closed.
 */
export const REQUEST_DEADLINE_MS = 5_000;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, string>;
}

export interface HttpServerOptions {
  /** Bolt's HTTP receiver listener for `/slack/events` (absent in Socket Mode). */
  slackListener?: RequestListener;
  /** Checks signatures and shapes before Bolt sees a request (required with `slackListener`). */
  signingSecret?: string;
  health: () => Promise<HealthReport>;
  /** `/readyz`; absent: same as health. */
  ready?: () => Promise<HealthReport>;
  /** `/metrics` in Prometheus text format. */
  metrics?(): Promise<{ contentType: string; body: string }>;
  /** Called when a `/slack/events` response (the ack) has been sent. */
  onSlackAck?(seconds: number, status: number): void;
  logger: Logger;
  nowSeconds?: () => number;
  /** Headers and body deadline (default REQUEST_DEADLINE_MS; tests shrink it). */
  requestDeadlineMs?: number;
  /** Largest accepted `/slack/events` body (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** True when the request's Slack timestamp is present and within five minutes of now. */
export function freshSlackTimestamp(req: IncomingMessage, nowSeconds: number): boolean {
  return slackTimestamp(req.headers, nowSeconds).state === 'fresh';
}

/** The bot's HTTP server: `/slack/events` (signature and shape checked by checkSlackRequest), `/healthz`, `/readyz`, `/metrics`. */
export function createHttpServer(opts: HttpServerOptions): Server {
  const nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  // Bolt does not check signatures again behind this server (src/slack/transport.ts): without a secret,
  // anyone could sign with the empty one.
  if (opts.slackListener && !opts.signingSecret) throw new Error('createHttpServer: a Slack listener needs the signing secret');
  const slack =
    opts.slackListener &&
    slackFrontDoor({
      listener: opts.slackListener,
      signingSecret: opts.signingSecret!,
      logger: opts.logger,
      nowSeconds,
      onAck: (seconds, status) => opts.onSlackAck?.(seconds, status),
      maxBodyBytes: opts.maxBodyBytes,
    });
  const deadline = opts.requestDeadlineMs ?? REQUEST_DEADLINE_MS;
  // Node checks both deadlines every connectionsCheckingInterval (30 s by default, far too late here).
  const timeouts = { headersTimeout: deadline, requestTimeout: deadline, connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(deadline / 4))) };
  return createServer(timeouts, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/slack/events' && req.method === 'POST' && slack) return slack(req, res);
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    // Browsers ask for it on any page they open here: no content rather than a 404 in every log.
    if (path === '/favicon.ico' && readOnly) return void res.writeHead(204, { 'cache-control': 'max-age=86400' }).end();
    if ((path === '/healthz' || path === '/readyz') && readOnly) {
      const check = path === '/readyz' && opts.ready ? opts.ready : opts.health;
      check().then(
        (report) => send(res, report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unhealthy', ...report.checks }),
        (err: unknown) => send(res, 503, { status: 'unhealthy', error: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    if (path === '/metrics' && readOnly && opts.metrics) {
      opts.metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (err: unknown) => {
          opts.logger.error({ err }, 'rendering metrics failed');
          send(res, 500, { error: 'metrics unavailable' });
        },
      );
      return;
    }
    req.resume();
    send(res, 404, { error: 'not found' });
  });
}
