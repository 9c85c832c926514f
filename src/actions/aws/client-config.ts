import type { Config } from '../../config';

/** What every AWS SDK v3 client here is built with. */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  /** A deadline on every attempt: the SDK's handler waits forever by default. */
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
}

/** Connecting and answering deadlines of one AWS attempt (the SDK retries up to maxAttempts). */
export const AWS_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true };
// Without throwOnRequestTimeout this SDK only logs a warning when requestTimeout passes, and keeps waiting.

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * Region and endpoint for one service (`AWS_ENDPOINT_URL_<SERVICE>` wins over `AWS_ENDPOINT_URL`).
 * Credentials come from the SDK's default chain, except for a loopback endpoint (tests, the sandbox),
 * which gets dummy ones when the environment has none.
 */
export function awsClientConfig(config: Config, service: string, env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const endpoint = config.aws.endpoints[service.toUpperCase()] ?? config.aws.endpoint;
  const local = endpoint !== undefined && LOOPBACK.test(endpoint);
  const credentials = local && !env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
  return { region: config.aws.region ?? env.AWS_REGION ?? 'us-east-1', endpoint, credentials, maxAttempts: 3, requestHandler: { ...AWS_TIMEOUTS } };
}
