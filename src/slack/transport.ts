import type { RequestListener } from 'node:http';
import { HTTPReceiver, SocketModeReceiver, type App, type Logger as BoltLogger } from '@slack/bolt';
import type { Config } from '../config';
import { gatePassed } from './request-gate';

/** How long Socket Mode may take to connect at start before we give up with a clear message. */
export const SOCKET_START_TIMEOUT_MS = 30_000;
const SOCKET_STOP_TIMEOUT_MS = 3_000;

/** How Slack reaches the bot: signed HTTP requests, or a Socket Mode WebSocket. */
export interface SlackTransport {
  receiver: HTTPReceiver | SocketModeReceiver;
  /** The `/slack/events` listener in HTTP mode. */
  httpListener?: RequestListener;
  /** Connects (Socket Mode); nothing to do over HTTP, where our server receives. */
  start(app: App): Promise<void>;
  stop(): Promise<void>;
  /** `connected`, `reconnecting`, … in Socket Mode; `http` otherwise. */
  state(): string;
}

/** Builds the receiver for the configured mode. */
export function createTransport(config: Config, logger: BoltLogger, startTimeoutMs = SOCKET_START_TIMEOUT_MS): SlackTransport {
  const { mode, appToken, signingSecret, apiUrl } = config.slack;
  if (mode !== 'socket') {
    // Our HTTP server (src/observability/http-server.ts) checks every request's signature, freshness and
    // shape before this listener runs, so Bolt's own check would only repeat it (an HMAC and a body parse
    // per request, on the ack path). It is skipped ONLY for requests our gate marked as passed: anything
    // that reaches the listener another way is refused, and Bolt's own server must never start.
    const receiver = new HTTPReceiver({ signingSecret: signingSecret!, logger, processBeforeResponse: false, signatureVerification: false });
    receiver.start = () => Promise.reject(new Error("Bolt's HTTP server must not start: runbook-bot's own server receives and checks Slack requests"));
    const httpListener: RequestListener = (req, res) => {
      if (gatePassed(req)) return receiver.requestListener(req, res);
      logger.warn('refused a Slack request that did not pass the request gate');
      res.writeHead(401).end();
    };
    return { receiver, httpListener, start: () => Promise.resolve(), stop: () => Promise.resolve(), state: () => 'http' };
  }
  const receiver = new SocketModeReceiver({ appToken: appToken!, logger, installerOptions: { clientOptions: { slackApiUrl: apiUrl } } });
  let state = 'disconnected';
  for (const s of ['connecting', 'connected', 'reconnecting', 'disconnecting', 'disconnected']) receiver.client.on(s, () => (state = s));
  return {
    receiver,
    state: () => state,
    async start(app) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `Could not open a Socket Mode connection within ${startTimeoutMs / 1000} s. Check SLACK_APP_TOKEN (xapp-…, scope connections:write) and that Socket Mode is enabled for the app.`,
              ),
            ),
          startTimeoutMs,
        );
      });
      try {
        await Promise.race([app.start(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    // Bolt's stop() does not wait for the socket to close; the client's disconnect() does, but can wait
    // forever on a socket that never finished its handshake, so the wait is bounded.
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([receiver.client.disconnect(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SOCKET_STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
    },
  };
}
