import { awsClientConfig } from '../../../src/actions/aws/client-config';
import { ConfigError, loadConfig } from '../../../src/config';

describe('awsClientConfig', () => {
  it('prefers the per-service endpoint and gives dummy credentials only to loopback endpoints', () => {
    const config = loadConfig({ AWS_ENDPOINT_URL: 'https://aws.example.com', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567' });
    expect(awsClientConfig(config, 'dynamodb', {})).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4567',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
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
});
