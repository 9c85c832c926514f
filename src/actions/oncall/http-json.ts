import type { z } from 'zod';
import { BackendError, networkError, summarizeBody } from '../http/errors';

const MAX_BODY_BYTES = 1024 * 1024;

/** One GET with a deadline, parsed with `schema`; any other answer is a BackendError that says what came back. */
export async function getJson<T>(backend: string, url: string, headers: Record<string, string>, schema: z.ZodType<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    text = (await response.text()).slice(0, MAX_BODY_BYTES);
  } catch (err) {
    throw networkError(backend, url, err, timeoutMs, signal);
  }
  if (response.status === 401 || response.status === 403) {
    throw new BackendError(backend, 'http_status', `${backend} refused the request (${response.status}): check its API key and what it may read.`, response.status, summarizeBody(text));
  }
  if (response.status < 200 || response.status >= 300) {
    throw new BackendError(backend, 'http_status', `${backend} answered ${response.status}: ${summarizeBody(text, 200)}`, response.status, summarizeBody(text));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new BackendError(backend, 'http_status', `${backend} answered with something I cannot read: ${summarizeBody(text, 120)}`, response.status, summarizeBody(text));
  return parsed.data;
}
