import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '../actions/aws/client-config';
import { ConfigError, loadConfig } from '../config';
import { ensureStoreTable } from './dynamodb-table';

/** `npm run create-table`: creates the DynamoDB store's table (STORE_TABLE) ahead of the first start. */
async function main(): Promise<void> {
  const config = loadConfig();
  const client = new DynamoDBClient(awsClientConfig(config, 'dynamodb'));
  try {
    const outcome = await ensureStoreTable(client, config.store.table);
    process.stdout.write(outcome === 'created' ? `Created DynamoDB table ${config.store.table}.\n` : `DynamoDB table ${config.store.table} already exists.\n`);
  } finally {
    client.destroy();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`could not create the table: ${message}\n`);
  process.exit(1);
});
