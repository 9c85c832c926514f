/** Why a backend call failed, independent of the HTTP library underneath. */
export type BackendErrorCode =
  | 'http_status'
  | 'too_large'
  | 'unreadable_answer'
  | 'timeout'
  | 'connection_refused'
  | 'host_not_found'
  | 'network'
  | 'aborted'
  | 'invalid_url'
  | 'redirect_refused'
  | AwsErrorCode;
/** Codes of AWS API errors (src/actions/aws/map-sdk-error.ts). */
export type AwsErrorCode = 'access_denied' | 'not_found' | 'resource_busy' | 'limit_exceeded' | 'throttled' | 'invalid_request' | 'backend_error';

/** The typed error every HTTP adapter throws; its message is written for the on-call engineer. */
export class BackendError extends Error {
  constructor(
    readonly backend: string,
    readonly code: BackendErrorCode,
    message: string,
    readonly status?: number,
    readonly bodySummary?: string,
  ) {
    super(message);
  }
}

/** Maps a fetch rejection (undici error causes) to a BackendError with a clear message. */
export function networkError(backend: string, url: string, err: unknown, timeoutMs: number, signal?: AbortSignal): BackendError {
  const origin = safeOrigin(url);
  // Duck-typed: abort reasons are DOMExceptions, which are not always `instanceof Error` across realms.
  const { name, message, cause } = (err ?? {}) as { name?: string; message?: string; cause?: { code?: string } };
  // The caller's signal first: fetch rejects with the abort reason itself, whatever it is.
  if (signal?.aborted) {
    const reason = (signal.reason as { message?: string } | undefined)?.message ?? 'cancelled';
    return new BackendError(backend, 'aborted', `The request to ${backend} was abandoned (${reason}); it may or may not have been applied.`);
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new BackendError(
      backend,
      'timeout',
      `${backend} did not answer within ${timeoutMs / 1000} s (${origin}). The request may or may not have been applied; check before retrying.`,
    );
  }
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return new BackendError(backend, 'connection_refused', `Could not connect to ${backend} at ${origin}: connection refused.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new BackendError(backend, 'host_not_found', `Could not resolve ${backend}'s host (${origin}). Check its URL in the configuration.`);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return new BackendError(
      backend,
      'network',
      `${backend} closed the connection (${origin}). The request may or may not have been applied; check before retrying.`,
    );
  }
  return new BackendError(backend, 'network', `The request to ${backend} at ${origin} failed: ${code ?? message ?? String(err)}.`);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

/** A short, single-line version of a response body for Slack (JSON compacted, whitespace folded). */
export function summarizeBody(text: string, max = 300): string {
  let summary = text.trim();
  try {
    summary = JSON.stringify(JSON.parse(summary));
  } catch {
    summary = summary.replace(/\s+/g, ' ');
  }
  if (summary.length === 0) return '(empty body)';
  return summary.length > max ? `${summary.slice(0, max)}… (${text.length} bytes)` : summary;
}
