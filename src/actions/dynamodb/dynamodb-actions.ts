import { DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { mapSdkError } from '../aws/map-sdk-error';
import type { AwsClientConfig } from '../aws/client-config';
import { BackendError } from '../http/errors';

/** Provisioned capacity of a table or index (undefined units for on-demand). */
export interface Capacity {
  read: number;
  write: number;
}

export interface IndexState extends Capacity {
  name: string;
  status: string;
}

/** What DescribeTable says about a table, in the terms the capacity runbook needs. */
export interface TableState extends Capacity {
  name: string;
  status: string;
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  decreasesToday: number;
  indexes: IndexState[];
}

/** A capacity change for one UpdateTable call. */
export interface CapacityChange {
  table?: Capacity;
  indexes: (Capacity & { name: string })[];
}

/** The DynamoDB calls runbook-bot makes; implemented over the AWS SDK, faked in unit tests. */
export interface DynamoDbActions {
  /** DescribeTable; undefined when the table does not exist. */
  describeTable(name: string, signal?: AbortSignal): Promise<TableState | undefined>;
  /** UpdateTable with new provisioned throughput for the table and/or its GSIs. */
  updateCapacity(name: string, change: CapacityChange, signal?: AbortSignal): Promise<void>;
  /** ListTables, up to `max` names (read-only; the form's Datomic table menu). Optional: fakes may omit it. */
  listTableNames?(max: number, signal?: AbortSignal): Promise<string[]>;
}

const BACKEND = 'DynamoDB';

/** DynamoDbActions over the real SDK client. */
export class SdkDynamoDbActions implements DynamoDbActions {
  private readonly client: DynamoDBClient;

  constructor(config: AwsClientConfig | DynamoDBClient) {
    this.client = config instanceof DynamoDBClient ? config : new DynamoDBClient(config);
  }

  async describeTable(name: string, signal?: AbortSignal): Promise<TableState | undefined> {
    try {
      const res = await this.client.send(new DescribeTableCommand({ TableName: name }), { abortSignal: signal });
      if (!res.Table) throw new BackendError(BACKEND, 'backend_error', `DynamoDB answered DescribeTable for table \`${name}\` without a table.`);
      return tableState(res.Table);
    } catch (err) {
      if (err instanceof BackendError) throw err;
      const mapped = mapSdkError(BACKEND, 'dynamodb:DescribeTable', `table \`${name}\``, err, signal);
      if (mapped.code === 'not_found') return undefined;
      throw mapped;
    }
  }

  async updateCapacity(name: string, change: CapacityChange, signal?: AbortSignal): Promise<void> {
    const throughput = (c: Capacity) => ({ ReadCapacityUnits: c.read, WriteCapacityUnits: c.write });
    try {
      await this.client.send(
        new UpdateTableCommand({
          TableName: name,
          ProvisionedThroughput: change.table ? throughput(change.table) : undefined,
          GlobalSecondaryIndexUpdates:
            change.indexes.length > 0 ? change.indexes.map((i) => ({ Update: { IndexName: i.name, ProvisionedThroughput: throughput(i) } })) : undefined,
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw mapSdkError(BACKEND, 'dynamodb:UpdateTable', `table \`${name}\``, err, signal);
    }
  }

  async listTableNames(max: number, signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let start: string | undefined;
    try {
      // Pages of at most 100 names; stops at `max` so a large account is not walked while someone waits.
      do {
        const res = await this.client.send(new ListTablesCommand({ ExclusiveStartTableName: start, Limit: 100 }), { abortSignal: signal });
        names.push(...(res.TableNames ?? []));
        start = res.LastEvaluatedTableName;
      } while (start && names.length < max);
    } catch (err) {
      throw mapSdkError(BACKEND, 'dynamodb:ListTables', 'the table list', err, signal);
    }
    return names.slice(0, max);
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }
}

function tableState(t: TableDescription): TableState {
  // Tables created on-demand have no BillingModeSummary; a provisioned one may omit it too (old tables).
  const billingMode = t.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  return {
    name: t.TableName ?? '',
    status: t.TableStatus ?? 'UNKNOWN',
    billingMode,
    read: t.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
    write: t.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
    decreasesToday: t.ProvisionedThroughput?.NumberOfDecreasesToday ?? 0,
    indexes: (t.GlobalSecondaryIndexes ?? []).map((g) => ({
      name: g.IndexName ?? '',
      status: g.IndexStatus ?? 'UNKNOWN',
      read: g.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
      write: g.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
    })),
  };
}
