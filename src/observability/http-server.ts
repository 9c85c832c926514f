import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Slack refuses to sign requests more than five minutes apart from now; so do we, in both directions. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, string>;
}

export interface HttpServerOptions {
  /** Bolt's HTTP receiver listener for `/slack/events` (absent in Socket Mode). */
  slackListener?: RequestListener;
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

/** The bot's HTTP server: `/slack/events` (signature checked by Bolt), `/healthz`, `/readyz`, `/metrics`. */
export function createHttpServer(opts: HttpServerOptions): Server {
  const nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/slack/events' && req.method === 'POST' && opts.slackListener) {
      if (!freshSlackTimestamp(req, nowSeconds())) {
        opts.logger.warn({ path }, 'refused a Slack request with a missing or stale timestamp');
        req.resume();
        return send(res, 401, { error: 'stale or missing x-slack-request-timestamp' });
      }
      const started = process.hrtime.bigint();
      res.once('finish', () => opts.onSlackAck?.(Number(process.hrtime.bigint() - started) / 1e9, res.statusCode));
      try {
        return opts.slackListener(req, res);
      } catch (err) {
        opts.logger.error({ err }, 'Slack request listener failed');
        return send(res, 500, { error: 'internal error' });
      }
    }
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
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
