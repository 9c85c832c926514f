import type { IncomingHttpHeaders } from 'node:http';
import { startHttpServer } from './http-server';

/** The kinds of entity Metapod can retract. */
export type RetractKind = 'attribute' | 'indexed-attribute' | 'committed-dataset';

/** An expected retract request as the fake received it. */
export interface MetapodRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  kind: RetractKind;
  id: string;
}

/** How the fake answers a retract request. */
export interface MetapodBehaviour {
  /** HTTP status; default 200. */
  status?: number;
  /** Response body; strings are sent verbatim, anything else as JSON. Default `{"retracted": "<id>"}`. */
  body?: unknown;
  /** Content type; default JSON, or text/plain when `body` is a string. */
  contentType?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer; the connection is destroyed by close(). */
  hang?: boolean;
}

/** A fixed behaviour or one chosen per request. */
export type MetapodResponder = MetapodBehaviour | ((req: MetapodRequest) => MetapodBehaviour);

/** A running strict Metapod fake. */
export interface MetapodFake {
  url: string;
  requests: MetapodRequest[];
  unexpected: string[];
  respond(behaviour: MetapodResponder): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

const RETRACT_PATH =
  /^\/api\/migrations\/retract\/(attribute|indexed-attribute|committed-dataset)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Starts a Metapod fake that only accepts POST retract requests and flags everything else. */
export async function startMetapodFake(): Promise<MetapodFake> {
  let responder: MetapodResponder = {};
  const timers = new Set<NodeJS.Timeout>();

  const server = await startHttpServer(async (req, res, body) => {
    const path = req.url ?? '/';
    const match = RETRACT_PATH.exec(path);
    if (req.method !== 'POST' || !match) {
      fake.unexpected.push(`${req.method ?? '?'} ${path}`);
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const request: MetapodRequest = {
      method: req.method,
      path,
      headers: req.headers,
      body,
      kind: match[1] as RetractKind,
      id: match[2]!,
    };
    // Recorded before answering so a test can observe a request that is still in flight or hung.
    fake.requests.push(request);
    const behaviour = typeof responder === 'function' ? responder(request) : responder;
    if (behaviour.hang) return;
    if (behaviour.delayMs !== undefined && behaviour.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, behaviour.delayMs);
        timers.add(timer);
      });
    }
    if (res.destroyed) return;
    const payload = behaviour.body === undefined ? { retracted: request.id } : behaviour.body;
    const isText = typeof payload === 'string';
    res.writeHead(behaviour.status ?? 200, {
      'content-type': behaviour.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json'),
    });
    res.end(isText ? payload : JSON.stringify(payload));
  });

  const fake: MetapodFake = {
    url: server.url,
    requests: [],
    unexpected: [],
    respond: (behaviour) => {
      responder = behaviour;
    },
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) {
        throw new Error(`Metapod fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
      }
    },
    close: async () => {
      // Pending delays would otherwise keep Jest's event loop alive after the test.
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await server.close();
    },
  };
  return fake;
}
