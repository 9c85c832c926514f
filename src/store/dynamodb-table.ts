import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';

/** The store's global secondary indexes. */
export const INDEX = { byCreated: 'byCreated', byState: 'byState', byKey: 'byKey' } as const;

export interface StoreTableOptions {
  /** Longest wait for a table being created, in milliseconds. */
  maxWaitMs?: number;
  /** First interval between two looks at a table being created, in milliseconds (doubles up to 2 s). */
  pollMs?: number;
}

function index(name: string, hash: string): GlobalSecondaryIndex {
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' },
      { AttributeName: 'createdSort', KeyType: 'RANGE' },
    ],
    // Listings read only the document; the audit trail stays out of the indexes.
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc'] },
  };
}

/**
 * Creates the store's table when it does not exist (on-demand billing) and waits until it is
 * ACTIVE; turns on TTL for idempotency keys where the service supports it. Safe to run from several
 * replicas at once.
 */
export async function ensureStoreTable(client: DynamoDBClient, table: string, options: StoreTableOptions = {}): Promise<'exists' | 'created'> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: table }));
    if (out.Table?.TableStatus === 'ACTIVE') return 'exists';
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ['pk', 'gsiAll', 'state', 'correlationKey', 'createdSort'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [index(INDEX.byCreated, 'gsiAll'), index(INDEX.byState, 'state'), index(INDEX.byKey, 'correlationKey')],
        }),
      );
    } catch (createErr) {
      // Another replica created it first: wait for it like for our own.
      if (!(createErr instanceof ResourceInUseException)) throw createErr;
    }
  }
  await waitUntilActive(client, table, options.pollMs ?? 100, options.maxWaitMs ?? 300_000);
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
  } catch {
    // TTL only bounds the idempotency keys' retention (they also expire logically); an emulator
    // without TTL support, or TTL already on, is not a reason to refuse to start.
  }
  return 'created';
}

/** Polls DescribeTable until the table is ACTIVE (the SDK waiter cannot poll faster than once a second). */
async function waitUntilActive(client: DynamoDBClient, table: string, firstPollMs: number, maxWaitMs: number): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  let pollMs = firstPollMs;
  for (;;) {
    try {
      const out = await client.send(new DescribeTableCommand({ TableName: table }));
      if (out.Table?.TableStatus === 'ACTIVE') return;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    if (Date.now() >= deadline) throw new Error(`DynamoDB table ${table} did not become ACTIVE within ${Math.round(maxWaitMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    pollMs = Math.min(pollMs * 2, 2000);
  }
}
