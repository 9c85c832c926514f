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
