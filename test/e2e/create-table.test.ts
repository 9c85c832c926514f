import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite, type LocalDynamo } from '../support/dynalite';

const ROOT = join(__dirname, '..', '..');

/** Runs `src/store/create-table.ts` as `npm run create-table` would (async: dynalite lives in this process). */
function createTable(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'store', 'create-table.ts')],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run create-table', () => {
  let dyn: LocalDynamo;
  beforeAll(async () => {
    dyn = await startDynalite();
  });
  afterAll(() => dyn.close());

  it('creates the configured table once, then says it exists', async () => {
    const env = { STORE: 'dynamodb', STORE_TABLE: 'bot-ops', AWS_ENDPOINT_URL_DYNAMODB: dyn.url, AWS_REGION: 'us-east-1' };
    const first = await createTable(env);
    expect(first).toMatchObject({ code: 0, stdout: 'Created DynamoDB table bot-ops.\n' });
    const table = await dyn.newClient().send(new DescribeTableCommand({ TableName: 'bot-ops' }));
    expect(table.Table?.TableStatus).toBe('ACTIVE');
    expect(await createTable(env)).toMatchObject({ code: 0, stdout: 'DynamoDB table bot-ops already exists.\n' });
  });

  it('fails with one clear line when DynamoDB cannot be reached', async () => {
    const { code, stderr } = await createTable({ STORE_TABLE: 'bot-ops', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/could not create the table: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
