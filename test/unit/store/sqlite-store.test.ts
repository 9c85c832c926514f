import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/sqlite';
import { VersionConflictError } from '../../../src/store/store';
import { describeCorrelationContract, describeStoreContract, storedOp } from './store-contract';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bot-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'bot.db');
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describeStoreContract('sqlite', (now) => new SqliteStore(tempDb(), now));
describeCorrelationContract('sqlite', () => new SqliteStore(tempDb()));

describe('sqlite store specifics', () => {
  it('keeps operations across a reopen (the state survives a restart)', async () => {
    const path = tempDb();
    const first = new SqliteStore(path);
    await first.insert(storedOp('op-aaaaaaaa', { state: 'running' }), [{ actor: 'system', type: 'step_started', detail: {} }]);
    await first.close();
    const second = new SqliteStore(path);
    expect((await second.get('op-aaaaaaaa'))?.state).toBe('running');
    expect(await second.auditTrail('op-aaaaaaaa')).toHaveLength(1);
    await second.close();
  });

  it('lets only one of two connections (two replicas) claim the same version', async () => {
    const path = tempDb();
    const a = new SqliteStore(path);
    const b = new SqliteStore(path);
    const v1 = await a.insert(storedOp('op-aaaaaaaa', { state: 'approved' }), []);
    const fromB = (await b.get('op-aaaaaaaa'))!;
    await a.update({ ...v1, state: 'running' }, []);
    await expect(b.update({ ...fromB, state: 'running' }, [])).rejects.toBeInstanceOf(VersionConflictError);
    await a.close();
    await b.close();
  });

  it('refuses to edit or delete audit rows at the database level', async () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    await store.insert(storedOp('op-aaaaaaaa'), [{ actor: 'UREQ', type: 'created', detail: {} }]);
    await store.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE audit SET actor = 'someone-else'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    raw.close();
  });
});

describe('sqlite store migrations', () => {
  it('upgrades a file written before correlation keys existed, keeping its operations', async () => {
    const path = tempDb();
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(path), { recursive: true });
    const old = new Database(path);
    old.exec('CREATE TABLE operations (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL)');
    old
      .prepare('INSERT INTO operations VALUES (?, ?, 1, ?, ?)')
      .run('op-aaaaaaaa', 'succeeded', '2026-11-24T10:00:00.000Z', JSON.stringify(storedOp('op-aaaaaaaa', { state: 'succeeded', version: 1 })));
    old.close();
    const store = new SqliteStore(path);
    expect((await store.get('op-aaaaaaaa'))?.state).toBe('succeeded');
    await store.insert(storedOp('op-bbbbbbbb', { correlationKey: 'alarm:x' }), []);
    expect((await store.findActiveByKey('alarm:x'))?.id).toBe('op-bbbbbbbb');
    await store.close();
    const reopened = new SqliteStore(path); // a second open must not migrate again
    expect((await reopened.findActiveByKey('alarm:x'))?.id).toBe('op-bbbbbbbb');
    await reopened.close();
  });
});
