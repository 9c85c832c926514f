import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Json } from './slack-api';

/** The envelope types Slack delivers over Socket Mode that runbook-bot handles. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** One acknowledgement the client sent: `{ envelope_id, payload? }`. */
export interface SocketAck {
  envelope_id: string;
  type: EnvelopeType;
  payload?: Json;
}

/** Options for one envelope. */
export interface SendOptions {
  /** Reject if the client has not acked by then; default 3000 (Slack's own limit). */
  ackTimeoutMs?: number;
  /** Default: true for slash commands and for interactive payloads other than block_actions. */
  acceptsResponsePayload?: boolean;
  /** Redelivery attempt number (events_api only); default 0. */
  retryAttempt?: number;
}

/** A running Socket Mode endpoint (the `wss://` side of apps.connections.open). */
export interface SocketModeServer {
  /** Hand this to the Slack emulator's setSocketModeUrl. */
  url: string;
  /** Every ack received, in order. */
  acks: SocketAck[];
  /** Malformed or unsolicited client messages, and connections to a wrong path. */
  unexpected: string[];
  /** How many WebSocket connections were accepted so far. */
  connectionCount: number;
  /** How many connections are open right now. */
  openClients(): number;
  /** Resolves once a client has connected and been sent `hello`; rejects after `timeoutMs` (default 5000). */
  connected(timeoutMs?: number): Promise<void>;
  /** Delivers an envelope to the newest client and resolves with its ack's `payload` (`{}` for a bare ack()). */
  send(type: EnvelopeType, payload: Json, options?: SendOptions): Promise<Json | undefined>;
  assertNoUnexpected(): void;
  /** Terminates every client connection at once and stops listening. */
  close(): Promise<void>;
}

interface Pending {
  type: EnvelopeType;
  resolve(payload: Json | undefined): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const APP_ID = 'A0RUNBOOK';

/** Starts a loopback Socket Mode server speaking Slack's envelope protocol over `ws://127.0.0.1` (`sendHello: false` never completes the handshake). */
export async function startSocketModeServer(options: { sendHello?: boolean } = {}): Promise<SocketModeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve();
    });
  });
  const { port } = wss.address() as AddressInfo;
  // Slack hands out a one-time ticket in the URL; checking it proves the client used apps.connections.open's answer.
  const path = `/link/?ticket=${randomBytes(12).toString('hex')}&app_id=${APP_ID}`;
  const clients: WebSocket[] = [];
  const pending = new Map<string, Pending>();
  const timedOut = new Set<string>();
  let envelopeCounter = 0;
  let markConnected!: () => void;
  const firstHello = new Promise<void>((resolve) => (markConnected = resolve));

  const onMessage = (data: RawData, isBinary: boolean): void => {
    const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
    const message = isBinary ? undefined : tryJson(text);
    if (!isObject(message) || typeof message.envelope_id !== 'string') {
      server.unexpected.push(`client sent a message that is not an ack: ${text.slice(0, 200)}`);
      return;
    }
    const id = message.envelope_id;
    const waiting = pending.get(id);
    if (!waiting) {
      server.unexpected.push(timedOut.has(id) ? `late ack for ${id}` : `ack for unknown or already acked envelope ${id}`);
      return;
    }
    if (message.payload !== undefined && !isObject(message.payload)) {
      server.unexpected.push(`ack for ${id} has a non-object payload`);
    }
    pending.delete(id);
    clearTimeout(waiting.timer);
    const payload = isObject(message.payload) ? message.payload : undefined;
    server.acks.push(payload ? { envelope_id: id, type: waiting.type, payload } : { envelope_id: id, type: waiting.type });
    waiting.resolve(payload);
  };

  wss.on('connection', (ws, req) => {
    server.connectionCount += 1;
    clients.push(ws);
    ws.on('close', () => {
      const at = clients.indexOf(ws);
      if (at >= 0) clients.splice(at, 1);
    });
    ws.on('error', (err) => server.unexpected.push(`socket error: ${err.message}`));
    if (req.url !== path) {
      server.unexpected.push(`client connected to ${req.url ?? '?'} instead of the URL apps.connections.open gave`);
      ws.close(1008, 'unknown ticket');
      return;
    }
    ws.on('message', onMessage);
    // A server that never says hello: the client waits forever unless the bot gives up.
    if (options.sendHello === false) return;
    const hello = {
      type: 'hello',
      num_connections: clients.length,
      debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: APP_ID },
    };
    ws.send(JSON.stringify(hello), (err) => (err ? server.unexpected.push(`hello failed: ${err.message}`) : markConnected()));
  });

  const server: SocketModeServer = {
    url: `ws://127.0.0.1:${port}${path}`,
    acks: [],
    unexpected: [],
    connectionCount: 0,
    openClients: () => clients.filter((c) => c.readyState === c.OPEN).length,
    connected: (timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No Socket Mode client connected within ${timeoutMs}ms`)), timeoutMs);
        void firstHello.then(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    send: (type, payload, options = {}) => {
      const client = clients.filter((c) => c.readyState === c.OPEN).at(-1);
      if (!client) return Promise.reject(new Error(`No open Socket Mode connection to deliver ${type} to`));
      envelopeCounter += 1;
      const id = `${envelopeCounter.toString(16).padStart(8, '0')}-e2e0-4000-8000-${randomBytes(6).toString('hex')}`;
      const accepts = options.acceptsResponsePayload ?? (type === 'slash_commands' || (type === 'interactive' && payload.type !== 'block_actions'));
      const envelope: Json = { envelope_id: id, type, payload, accepts_response_payload: accepts };
      if (type === 'events_api') Object.assign(envelope, { retry_attempt: options.retryAttempt ?? 0, retry_reason: '' });
      const timeoutMs = options.ackTimeoutMs ?? 3000;
      return new Promise<Json | undefined>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          timedOut.add(id);
          reject(new Error(`No ack for ${type} envelope ${id} within ${timeoutMs}ms`));
        }, timeoutMs);
        pending.set(id, { type, resolve, reject, timer });
        client.send(JSON.stringify(envelope), (err) => {
          if (!err) return;
          clearTimeout(timer);
          pending.delete(id);
          reject(err);
        });
      });
    },
    assertNoUnexpected: () => {
      if (server.unexpected.length > 0) throw new Error(`Socket Mode server saw unexpected traffic:\n  ${server.unexpected.join('\n  ')}`);
    },
    close: () => closing ?? (closing = closeAll()),
  };

  let closing: Promise<void> | undefined;
  const closeAll = async (): Promise<void> => {
    for (const [id, waiting] of pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error(`Socket Mode server closed before envelope ${id} was acked`));
    }
    pending.clear();
    // ws's close() leaves open connections alone; terminate() drops them without a close handshake.
    for (const client of [...clients]) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  return server;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
