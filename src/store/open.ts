import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '../actions/aws/client-config';
import type { Config } from '../config';
import { DynamoStore } from './dynamodb';
import { SqliteStore } from './sqlite';
import type { OperationStore } from './store';

/** Opens the configured store: SQLite for one replica, DynamoDB (table created when missing) for several. */
export async function openStore(config: Config): Promise<OperationStore> {
  if (config.store.kind === 'sqlite') return new SqliteStore(config.store.databasePath);
  const client = new DynamoDBClient(awsClientConfig(config, 'dynamodb'));
  try {
    return await DynamoStore.open(client, config.store.table);
  } catch (err) {
    client.destroy();
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot open the DynamoDB store (table ${config.store.table}): ${why}`);
  }
}
