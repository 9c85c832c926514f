import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Config } from '../../config';
import { awsClientConfig } from '../aws/client-config';
import { SdkCloudFormationActions } from './sdk-cloudformation-actions';

/** The CloudFormation adapter for this configuration, and a function that releases its client. */
export function createCloudFormationActions(config: Config): { actions: SdkCloudFormationActions; close(): void } {
  const client = new CloudFormationClient(awsClientConfig(config, 'cloudformation'));
  return { actions: new SdkCloudFormationActions(client), close: () => client.destroy() };
}
