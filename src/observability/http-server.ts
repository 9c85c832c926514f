import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { checkSlackRequest, markGatePassed, MAX_BODY_BYTES, MAX_CLOCK_SKEW_SECONDS } from '../slack/request-gate';

export { MAX_CLOCK_SKEW_SECONDS };

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
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** True when the request's Slack timestamp is present and within five minutes of now. */
export function freshSlackTimestamp(req: IncomingMessage, nowSeconds: number): boolean {
  const header = req.headers['x-slack-request-timestamp'];
  const ts = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(ts) && Math.abs(nowSeconds - ts) <= MAX_CLOCK_SKEW_SECONDS;
}

/** The bot's HTTP server: `/slack/events` (signature and shape checked by checkSlackRequest), `/healthz`, `/readyz`, `/metrics`. */
export function createHttpServer(opts: HttpServerOptions): Server {
  const nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  // Bolt does not check signatures again behind this server (src/slack/transport.ts): without a secret,
  // anyone could sign with the empty one.
  if (opts.slackListener && !opts.signingSecret) throw new Error('createHttpServer: a Slack listener needs the signing secret');
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/slack/events' && req.method === 'POST' && opts.slackListener) {
      const listener = opts.slackListener;
      if (!freshSlackTimestamp(req, nowSeconds())) {
        opts.logger.warn({ path }, 'refused a Slack request with a missing or stale timestamp');
        req.resume();
        return send(res, 401, { error: 'stale or missing x-slack-request-timestamp' });
      }
      const started = process.hrtime.bigint();
      res.once('finish', () => opts.onSlackAck?.(Number(process.hrtime.bigint() - started) / 1e9, res.statusCode));
      void readBody(req).then((body) => {
        if (body === undefined) return send(res, 413, { error: 'request too large' });
        const verdict = checkSlackRequest(body, req.headers, opts.signingSecret!, nowSeconds());
        if (!verdict.ok) {
          opts.logger.warn({ path, status: verdict.status, reason: verdict.error }, 'refused a Slack request');
          return send(res, verdict.status, { error: verdict.error });
        }
        // Bolt reads an already-buffered body from `rawBody`; the mark lets the transport skip Bolt's
        // second signature check, which would only repeat the one just done (src/slack/transport.ts).
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        markGatePassed(req);
        try {
          listener(req, res);
        } catch (err) {
          opts.logger.error({ err }, 'Slack request listener failed');
          send(res, 500, { error: 'internal error' });
        }
      }, (err: unknown) => {
        opts.logger.warn({ err }, 'could not read a Slack request');
        if (!res.headersSent) send(res, 400, { error: 'unreadable request' });
      });
      return;
    }
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

/** The request body, or undefined once it exceeds MAX_BODY_BYTES (the rest is discarded). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
