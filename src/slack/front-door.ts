import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { checkSlackRequest, markGatePassed, MAX_BODY_BYTES, slackTimestamp } from './request-gate';

/** Options of slackFrontDoor. */
export interface FrontDoorOptions {
  /** Bolt's HTTP receiver listener, reached only by requests the gate accepted. */
  listener: RequestListener;
  signingSecret: string;
  logger: Logger;
  nowSeconds: () => number;
  /** Called when the response (the ack, or a refusal) has been sent. */
  onAck?(seconds: number, status: number): void;
  /** Default MAX_BODY_BYTES. */
  maxBodyBytes?: number;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) res.writeHead(status, { 'content-length': '0' }).end();
  else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Refuses a request whose body will not be read (too large, stale): the connection is closed once
 * the answer is out, so a sender cannot keep it busy with the rest of its body.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  req.pause();
  res.once('finish', () => req.socket.destroy());
  res.setHeader('connection', 'close');
  send(res, status, { error });
}

/** The body, or 'too_large' as soon as more than `max` bytes arrived (the rest is never read). */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve('too_large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that goes away mid-body: nothing to answer.
    req.once('aborted', () => reject(new Error('request aborted')));
  });
}

/**
 * `POST /slack/events`: the Slack front door. Cheap refusals first (a timestamp Slack would not send,
 * a declared length over the limit), then the body, capped while it streams, then signature and shape
 * (checkSlackRequest); only then Bolt. How long headers and body may take is the server's
 * headersTimeout/requestTimeout (src/observability/http-server.ts).
 */
export function slackFrontDoor(opts: FrontDoorOptions): RequestListener {
  const max = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  return (req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => opts.onAck?.(Number(process.hrtime.bigint() - started) / 1e9, res.statusCode));
    // A missing timestamp may still be Slack's unsigned ssl_check; a malformed or stale one is never Slack.
    if (slackTimestamp(req.headers, opts.nowSeconds()).state === 'invalid') {
      opts.logger.warn('refused a Slack request with a malformed or stale timestamp');
      return refuse(req, res, 401, 'stale or missing x-slack-request-timestamp');
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      opts.logger.warn({ declared }, 'refused a Slack request larger than the limit, before reading it');
      return refuse(req, res, 413, 'request too large');
    }
    readCapped(req, max).then(
      (body) => {
        if (body === 'too_large') {
          opts.logger.warn('refused a Slack request larger than the limit, while reading it');
          return refuse(req, res, 413, 'request too large');
        }
        const verdict = checkSlackRequest(body, req.headers, opts.signingSecret, opts.nowSeconds());
        if (!verdict.ok) {
          opts.logger.warn({ status: verdict.status, reason: verdict.error }, 'refused a Slack request');
          return send(res, verdict.status, { error: verdict.error });
        }
        if (verdict.kind === 'ssl_check') return send(res, 200);
        // Bolt compares the content type as a whole string: it gets the media type alone, so a
        // `; charset=utf-8` Slack may add is read the same by the gate and by Bolt.
        req.headers['content-type'] = verdict.contentType;
        // Bolt reads an already-buffered body from `rawBody`; the mark lets the transport skip Bolt's
        // second signature check, which would only repeat the one just done (src/slack/transport.ts).
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        markGatePassed(req);
        try {
          opts.listener(req, res);
        } catch (err) {
          opts.logger.error({ err }, 'Slack request listener failed');
          send(res, 500, { error: 'internal error' });
        }
      },
      (err: unknown) => {
        opts.logger.warn({ err }, 'could not read a Slack request');
        if (!res.headersSent && !req.socket.destroyed) send(res, 400, { error: 'unreadable request' });
      },
    );
  };
}
