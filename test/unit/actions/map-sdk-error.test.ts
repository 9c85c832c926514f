import { mapSdkError } from '../../../src/actions/aws/map-sdk-error';

const sdkError = (name: string, status?: number, message = 'x') =>
  Object.assign(new Error(message), { name, $metadata: status ? { httpStatusCode: status, requestId: 'REQ1' } : undefined });

describe('mapSdkError', () => {
  it.each([
    [
      sdkError('AccessDeniedException', 400),
      'access_denied',
      /not allowed to call dynamodb:UpdateTable on table `t` \(AWS request id REQ1\)\. Ask .* grant `dynamodb:UpdateTable`/,
    ],
    [sdkError('ResourceNotFoundException', 400), 'not_found', /table `t` does not exist in DynamoDB/],
    [sdkError('ResourceInUseException', 400), 'resource_busy', /busy .* Wait until it is ACTIVE/],
    [
      sdkError('LimitExceededException', 400, 'Subscriber limit exceeded: decreases'),
      'limit_exceeded',
      /a limit was reached \(Subscriber limit exceeded: decreases\)/,
    ],
    [sdkError('ThrottlingException', 400), 'throttled', /throttling the bot's calls/],
    [sdkError('ValidationException', 400, 'bad value'), 'invalid_request', /refused dynamodb:UpdateTable on table `t`: bad value/],
    [sdkError('InternalServerError', 500), 'backend_error', /HTTP 500, InternalServerError/],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'connection_refused', /connection refused\. Check its endpoint/],
    // The SDK's retry layer can keep only the text of a socket error (seen with CloudFormation's Query protocol).
    [
      new Error('connect ECONNREFUSED 127.0.0.1:1'),
      'connection_refused',
      /^Could not connect to DynamoDB \(dynamodb:UpdateTable on table `t`\): connection refused/,
    ],
    [new Error('getaddrinfo ENOTFOUND dynamodb.nowhere.example'), 'host_not_found', /Could not resolve DynamoDB's host/],
    [sdkError('InsufficientCapabilitiesException', 400, 'Requires capabilities : [CAPABILITY_IAM]'), 'backend_error', /HTTP 400, .*: Requires capabilities/],
  ])('maps %s', (err, code, message) => {
    const mapped = mapSdkError('DynamoDB', 'dynamodb:UpdateTable', 'table `t`', err);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
    expect(mapped.message).not.toMatch(/\n\s+at /);
  });

  it('says "abandoned" when our own signal aborted the call', () => {
    const controller = new AbortController();
    controller.abort(new Error('step timed out'));
    expect(mapSdkError('DynamoDB', 'dynamodb:UpdateTable', 'table `t`', sdkError('AbortError'), controller.signal)).toMatchObject({
      code: 'aborted',
      message: expect.stringMatching(/abandoned \(step timed out\); it may or may not have been applied/),
    });
  });
});
