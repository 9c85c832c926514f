import { BackendError } from './errors';

export interface ReadCappedOptions {
  backend: string;
  maxBytes: number;
  /** Keep the last `maxBytes` instead of refusing a larger body (a log's error is at its end). */
  keepEnd: boolean;
  /** `GET /path`, for the message. */
  where: string;
}

/**
 * Reads a body chunk by chunk and stops as soon as it passes `maxBytes` (the rest is cancelled, never
 * downloaded): a backend that answers with gigabytes, or never stops, cannot fill the bot's memory.
 */
export async function readCapped(response: Response, o: ReadCappedOptions): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const next: ReadableStreamReadResult<Uint8Array> = await reader.read();
      if (next.done) break;
      const buf = Buffer.from(next.value);
      chunks.push(buf);
      size += buf.length;
      if (size > o.maxBytes && !o.keepEnd) {
        throw new BackendError(o.backend, 'too_large', `${o.backend}'s answer to ${o.where} is larger than ${describeBytes(o.maxBytes)}; the bot does not read it.`, response.status);
      }
      while (size > o.maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
    }
  } catch (err) {
    // Cancelling closes the connection, so the backend stops sending.
    await reader.cancel().catch(() => undefined);
    throw err;
  }
  const all = Buffer.concat(chunks);
  // keepEnd: the oldest chunk may still hold more than the cap.
  return (all.length > o.maxBytes ? all.subarray(all.length - o.maxBytes) : all).toString('utf8');
}

function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
