import { awsClientConfig } from '../../../src/actions/aws/client-config';
import { ConfigError, loadConfig } from '../../../src/config';
import { SdkDynamoDbActions } from '../../../src/actions/dynamodb/dynamodb-actions';
import { startHttpServer } from '../../../src/sandbox/fakes/http-server';

describe('awsClientConfig', () => {
  it('prefers the per-service endpoint and gives dummy credentials only to loopback endpoints', () => {
    const config = loadConfig({ AWS_ENDPOINT_URL: 'https://aws.example.com', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567' });
    expect(awsClientConfig(config, 'dynamodb', {})).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4567',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 15_000, throwOnRequestTimeout: true },
    });
    const cfn = awsClientConfig(config, 'cloudformation', {});
    expect(cfn.endpoint).toBe('https://aws.example.com');
    expect(cfn.credentials).toBeUndefined();
  });

  it('keeps real credentials from the environment even for a loopback endpoint', () => {
    const config = loadConfig({ AWS_ENDPOINT_URL_CLOUDWATCH: 'http://localhost:9000', AWS_REGION: 'sa-east-1' });
    const c = awsClientConfig(config, 'CLOUDWATCH', { AWS_ACCESS_KEY_ID: 'AKIA' });
    expect(c).toMatchObject({ region: 'sa-east-1', endpoint: 'http://localhost:9000', credentials: undefined });
  });

  it('refuses an endpoint override that is not a URL', () => {
    expect(() => loadConfig({ AWS_ENDPOINT_URL_DYNAMODB: 'not a url' })).toThrow(ConfigError);
  });

  it('gives every attempt a deadline: a DynamoDB that never answers ends in a timeout, not a hang', async () => {
    const hung = await startHttpServer(() => undefined); // reads the request, never answers
    try {
      const base = awsClientConfig(loadConfig({ AWS_ENDPOINT_URL_DYNAMODB: hung.url }), 'dynamodb', {});
      // The production deadline (15 s) shrunk for the test: the shape is what the SDK must honour.
      const dynamodb = new SdkDynamoDbActions({
        ...base,
        maxAttempts: 1,
        requestHandler: { ...base.requestHandler, connectionTimeout: 200, requestTimeout: 300 },
      });
      await expect(dynamodb.describeTable('prod-s3-analytics-datomic')).rejects.toThrow(/did not answer|time/i);
      dynamodb.close();
    } finally {
      await hung.close();
    }
  });
});
