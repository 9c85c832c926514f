import { connect, type Socket } from 'node:net';

/** A raw TCP connection to an HTTP server, for requests no well-behaved client would send. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server closed (or reset) the connection. */
  closed: Promise<void>;
  /** Whether the connection is closed. */
  isClosed(): boolean;
  /** Resolves with what was received once it contains `text`, or rejects when closed without it. */
  waitFor(text: string): Promise<string>;
}

/** Opens a raw connection to 127.0.0.1:`port`. */
export async function rawConnect(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let data = '';
  let isClosed = false;
  const watchers: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    data += d.toString('latin1');
    watchers.forEach((w) => w());
  });
  // Writes after the server closed fail with EPIPE/ECONNRESET: that is the point of these tests.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      watchers.forEach((w) => w());
      resolve();
    }),
  );
  return {
    socket,
    received: () => data,
    closed,
    isClosed: () => isClosed,
    waitFor(text) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (data.includes(text)) resolve(data);
          else if (isClosed) reject(new Error(`connection closed without ${JSON.stringify(text)}; received ${JSON.stringify(data.slice(0, 300))}`));
        };
        watchers.push(check);
        check();
      });
    },
  };
}

/** Writes `chunk` unless the connection is gone; resolves once it is flushed or refused. */
export function rawWrite(conn: RawConnection, chunk: string | Buffer): Promise<boolean> {
  if (conn.isClosed() || conn.socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => conn.socket.write(chunk, (err) => resolve(!err)));
}

/** Sends `text` one byte every `everyMs`, stopping early when the server closes; true if it all went out. */
export async function trickle(conn: RawConnection, text: string, everyMs: number): Promise<boolean> {
  for (const ch of text) {
    if (!(await rawWrite(conn, ch))) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (conn.isClosed()) return false;
  }
  return true;
}
