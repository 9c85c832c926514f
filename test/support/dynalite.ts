import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// dynalite ships no types: it is a function returning an http.Server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; updateTableMs?: number; deleteTableMs?: number; path?: string }) => Server;

/** A DynamoDB emulator (dynalite) on a loopback port, in memory unless `path` is given. */
export interface Dynalite {
  url: string;
  client(): DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 with fast table transitions. */
export async function startDynalite(options: { path?: string } = {}): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 20, updateTableMs: 20, deleteTableMs: 20, path: options.path });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  return {
    url,
    client() {
      const c = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    async close() {
      clients.forEach((c) => c.destroy());
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
