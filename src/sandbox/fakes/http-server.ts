import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request handler that receives the whole request body as text (and as bytes, for binary uploads). */
export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse, body: string, raw: Buffer) => void | Promise<void>;

/** A running loopback HTTP server. */
export interface LoopbackServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:51234`. */
  url: string;
  port: number;
  /** Stops listening and destroys every open connection, including ones a handler never answered. */
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 with an ephemeral port. */
export async function startHttpServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      invoke(handler, req, res, raw.toString('utf8'), raw);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // Idempotent so afterEach hooks and tests may both close the same server.
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive and deliberately hung requests would otherwise hold close() open indefinitely.
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return { url: `http://127.0.0.1:${port}`, port, close };
}

function invoke(handler: LoopbackHandler, req: IncomingMessage, res: ServerResponse, body: string, raw: Buffer): void {
  const fail = (error: unknown): void => {
    // A fake that throws must surface as a visible 500, not as a crashed test process.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`fake server handler error: ${message}`);
  };
  try {
    const result = handler(req, res, body, raw);
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
