import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../../src/store/dynamodb';
import { ensureStoreTable } from '../../../src/store/dynamodb-table';
import { startDynalite, type LocalDynamo } from '../../support/dynalite';
import { describeCorrelationContract, describeStoreContract, storedOp } from './store-contract';

let dyn: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dyn = await startDynalite();
});
afterAll(() => dyn.close());

/** Each test gets a fresh table, created by the store itself as at a first start. */
const open = (now: () => Date = () => new Date()) => DynamoStore.open(dyn.newClient(), `ops-${++tables}`, now, { pollMs: 10 });

describeStoreContract('dynamodb (dynalite)', open);
describeCorrelationContract('dynamodb (dynalite)', () => open());

describe('dynamodb store specifics', () => {
  it('creates its table with the three indexes, and a second replica reuses it', async () => {
    const client = dyn.newClient();
    expect(await ensureStoreTable(client, 'shared-table', { pollMs: 10 })).toBe('created');
    expect(await ensureStoreTable(client, 'shared-table', { pollMs: 10 })).toBe('exists');
    const table = (await client.send(new DescribeTableCommand({ TableName: 'shared-table' }))).Table!;
    expect(table.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byCreated', 'byKey', 'byState']);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('lets replicas racing to create the table all open it', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => DynamoStore.open(dyn.newClient(), 'raced-table', () => new Date(), { pollMs: 10 })));
    await stores[0]!.insert(storedOp('op-aaaaaaaa'), []);
    expect((await stores[2]!.get('op-aaaaaaaa'))?.version).toBe(1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('keeps appended audit entries when a versioned update lands in between', async () => {
    const store = await open();
    const v1 = await store.insert(storedOp('op-aaaaaaaa'), [{ actor: 'UREQ', type: 'created', detail: {} }]);
    await Promise.all([
      store.appendAudit('op-aaaaaaaa', [{ actor: 'U2', type: 'approval_refused', detail: {} }]),
      store.update({ ...v1, state: 'approved' }, [{ actor: 'U3', type: 'approved', detail: {} }]),
    ]);
    expect((await store.auditTrail('op-aaaaaaaa')).map((e) => e.type).sort()).toEqual(['approval_refused', 'approved', 'created']);
    await store.close();
  });

  it('refuses to append audit entries to an operation that does not exist', async () => {
    const store = await open();
    await expect(store.appendAudit('op-missing0', [{ actor: 'x', type: 'created', detail: {} }])).rejects.toThrow();
    await store.close();
  });

  it('lists every operation in a state, and the newest N', async () => {
    const store = await open();
    const ids = Array.from({ length: 30 }, (_, i) => `op-${String(i).padStart(8, '0')}`);
    for (const id of ids)
      await store.insert(storedOp(id, { state: 'running', createdAt: `2026-11-24T10:00:${String(ids.indexOf(id)).padStart(2, '0')}.000Z` }), []);
    expect(await store.listByState(['running'])).toHaveLength(30);
    expect((await store.listRecent(5)).map((o) => o.id)).toEqual(ids.slice(-5).reverse());
    await store.close();
  });
});
