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
  return (await readCappedBytes(response, o)).toString('utf8');
}

/** `readCapped` as bytes (a library that decodes the body itself). */
export async function readCappedBytes(response: Response, o: ReadCappedOptions): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving this loop early (the throw) cancels the stream, which closes the connection: the backend stops sending.
  for await (const chunk of response.body) {
    const buf = Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    if (size > o.maxBytes && !o.keepEnd) {
      throw new BackendError(
        o.backend,
        'too_large',
        `${o.backend}'s answer to ${o.where} is larger than ${describeBytes(o.maxBytes)}; the bot does not read it.`,
        response.status,
      );
    }
    while (size > o.maxBytes && chunks.length > 1) size -= chunks.shift()!.length;
  }
  const all = Buffer.concat(chunks);
  // keepEnd: the oldest chunk may still hold more than the cap.
  return all.length > o.maxBytes ? all.subarray(all.length - o.maxBytes) : all;
}

function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
