import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

// dynalite ships no types; this is the part of its API the tests use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; updateTableMs?: number; deleteTableMs?: number }) => Server;

/** dynalite (an in-memory DynamoDB) on a loopback port, with a real SDK client pointed at it. */
export interface LocalDynamo {
  url: string;
  client: DynamoDBClient;
  /** Creates a table and waits until it is ACTIVE. */
  createTable(input: CreateTableCommandInput): Promise<void>;
  /** Waits until the table is ACTIVE (dynalite's timers must not outlive the test). */
  waitActive(name: string): Promise<void>;
  /** Another SDK client on the same emulator (a replica of its own), destroyed by close(). */
  newClient(): DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite with fast CREATING/UPDATING transitions. */
export async function startDynalite(options: { updateTableMs?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 20, updateTableMs: options.updateTableMs ?? 50, deleteTableMs: 20 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const extra: DynamoDBClient[] = [];
  const local: LocalDynamo = {
    url,
    client,
    newClient() {
      const c = new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      extra.push(c);
      return c;
    },
    async createTable(input) {
      await client.send(new CreateTableCommand(input));
      await local.waitActive(input.TableName!);
    },
    async waitActive(name) {
      // The SDK waiter polls once a second at best; dynalite is ACTIVE after createTableMs.
      for (let i = 0; i < 500; i++) {
        const res = await client.send(new DescribeTableCommand({ TableName: name }));
        if (res.Table?.TableStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`table ${name} did not become ACTIVE`);
    },
    async close() {
      client.destroy();
      extra.forEach((c) => c.destroy());
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return local;
}

/** A Datomic-like table: provisioned, one GSI. */
export function datomicTable(
  name: string,
  capacity = { read: 100, write: 50 },
  gsi: { name: string; read: number; write: number } | null = { name: 'by-tx', read: 10, write: 5 },
): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, ...(gsi ? [{ AttributeName: 'tx', AttributeType: 'S' as const }] : [])],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: capacity.read, WriteCapacityUnits: capacity.write },
    GlobalSecondaryIndexes: gsi
      ? [
          {
            IndexName: gsi.name,
            KeySchema: [{ AttributeName: 'tx', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
            ProvisionedThroughput: { ReadCapacityUnits: gsi.read, WriteCapacityUnits: gsi.write },
          },
        ]
      : undefined,
  };
}

/** dynalite in its own process (so a busy emulator does not slow the test process), on a loopback port. */
export async function startDynaliteProcess(): Promise<{ url: string; close(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const script = `
    const server = require('dynalite')({ createTableMs: 20, updateTableMs: 20, deleteTableMs: 20 });
    server.listen(0, '127.0.0.1', () => process.stdout.write('port=' + server.address().port + '\\n'));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  const proc = spawn(process.execPath, ['-e', script], { cwd: __dirname, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /port=(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    proc.once('exit', (code) => reject(new Error(`dynalite exited early (${code})`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
