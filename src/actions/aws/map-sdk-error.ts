import { BackendError } from '../http/errors';

/** What an AWS SDK v3 exception looks like to us (duck-typed: no SDK import needed here). */
interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  cause?: { code?: string };
}

/**
 * The one mapper of AWS SDK exceptions (DynamoDB, CloudWatch, CloudFormation): a BackendError whose message an on-call engineer can act on.
 * `action` names the IAM action (e.g. `dynamodb:UpdateTable`), `target` what it was called on.
 */
export function mapSdkError(backend: string, action: string, target: string, err: unknown, signal?: AbortSignal): BackendError {
  if (err instanceof BackendError) return err; // already said in words (a check before the call)
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId ? ` (AWS request id ${e.$metadata.requestId})` : '';
  // The SDK's own text is short and safe, but keep it on one line and bounded.
  const said = (e.message ?? '').replace(/\s+/g, ' ').slice(0, 300);
  if (signal?.aborted) {
    const reason = (signal.reason as { message?: string } | undefined)?.message ?? 'cancelled';
    return new BackendError(backend, 'aborted', `The call ${action} on ${target} was abandoned (${reason}); it may or may not have been applied.`);
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || status === 403) {
    return new BackendError(
      backend,
      'access_denied',
      `The bot is not allowed to call ${action} on ${target}${requestId}. Ask whoever manages the bot's AWS role to grant \`${action}\`.`,
      status,
    );
  }
  if (/ResourceNotFound|NotFound/i.test(name))
    return new BackendError(backend, 'not_found', `${target} does not exist in ${backend}${said ? ` (${said})` : ''}.`, status);
  if (/ResourceInUse/i.test(name))
    return new BackendError(backend, 'resource_busy', `${target} is busy (another change is in progress). Wait until it is ACTIVE and try again.`, status);
  if (/LimitExceeded/i.test(name))
    return new BackendError(backend, 'limit_exceeded', `${backend} refused ${action} on ${target}: a limit was reached (${said}).`, status);
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name))
    return new BackendError(backend, 'throttled', `${backend} is throttling the bot's calls (${action}); wait a minute and try again.`, status);
  if (/Validation|InvalidParameter|MissingParameter/i.test(name))
    return new BackendError(backend, 'invalid_request', `${backend} refused ${action} on ${target}: ${said}`, status);
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT')
    return new BackendError(backend, 'timeout', `${backend} did not answer ${action} in time; it may or may not have been applied.`);
  // The SDK's retry layer may wrap a socket error in a plain Error that keeps only its text.
  const code = e.code ?? e.cause?.code ?? /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/.exec(said)?.[1];
  if (code === 'ECONNREFUSED')
    return new BackendError(
      backend,
      'connection_refused',
      `Could not connect to ${backend} (${action} on ${target}): connection refused. Check its endpoint in the configuration.`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new BackendError(
      backend,
      'host_not_found',
      `Could not resolve ${backend}'s host (${action} on ${target}). Check AWS_REGION and its endpoint in the configuration.`,
    );
  if (status !== undefined)
    return new BackendError(
      backend,
      'backend_error',
      `${backend} failed ${action} on ${target} (HTTP ${status}, ${name || 'error'})${requestId}${said ? `: ${said}` : '.'}`,
      status,
    );
  return new BackendError(backend, 'network', `The call ${action} to ${backend} failed: ${code ?? (said || name || 'unknown error')}.`);
}
