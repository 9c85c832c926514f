import { runLookup, lookupTable } from '../../../../src/slack/forms/lookups';
import { createFormLookups } from '../../../../src/runbooks/form-lookups';
import type { AirflowActions } from '../../../../src/actions/airflow/airflow-actions';
import type { CloudFormationActions } from '../../../../src/actions/cloudformation/types';
import type { DynamoDbActions } from '../../../../src/actions/dynamodb/dynamodb-actions';

describe('runLookup', () => {
  it('sorts, de-duplicates and caps the items at 100', async () => {
    const items = ['b', 'a', 'b', ...Array.from({ length: 120 }, (_, i) => `z${String(i).padStart(3, '0')}`)];
    const outcome = await runLookup(lookupTable({ x: () => Promise.resolve(items) }), 'x');
    expect(outcome).toMatchObject({ ok: true, truncated: true });
    expect(outcome.ok && outcome.items.slice(0, 3)).toEqual(['a', 'b', 'z000']);
    expect(outcome.ok && outcome.items).toHaveLength(100);
  });

  it('gives up at the deadline and aborts the lookup; an unknown, failing or empty lookup gives a reason', async () => {
    let aborted = false;
    const hang = (signal: AbortSignal) => new Promise<string[]>(() => signal.addEventListener('abort', () => (aborted = true)));
    expect(await runLookup(lookupTable({ hang }), 'hang', 50)).toEqual({ ok: false, reason: expect.stringMatching(/^listing `hang` took longer than/) });
    expect(aborted).toBe(true);
    expect(await runLookup(lookupTable({}), 'services')).toEqual({ ok: false, reason: expect.stringMatching(/no `services` lookup/) });
    expect(await runLookup(undefined, 'services')).toMatchObject({ ok: false });
    expect(await runLookup(lookupTable({ x: () => Promise.reject(new Error('boom')) }), 'x')).toEqual({ ok: false, reason: expect.stringMatching(/boom/) });
    expect(await runLookup(lookupTable({ x: () => Promise.resolve([]) }), 'x')).toEqual({ ok: false, reason: expect.stringMatching(/listed nothing/) });
    // A name inherited from Object.prototype is not a lookup.
    expect(await runLookup(lookupTable({}), 'toString')).toMatchObject({ ok: false });
  });
});

describe('createFormLookups', () => {
  const signal = new AbortController().signal;

  it('services: the service names of the `prod-<shard>-k-<service>` stacks', async () => {
    const cfn = {
      listStackNames: (pattern: RegExp) =>
        Promise.resolve(['prod-global-k-analytics', 'prod-s0-k-ledger', 'prod-s1-k-ledger', 'staging-s0-k-x', 'prod-s0-k-'].filter((n) => pattern.test(n))),
    };
    const lookups = createFormLookups({ cfn: cfn as unknown as CloudFormationActions });
    expect((await lookups.get('services')!(signal)).sort()).toEqual(['analytics', 'ledger', 'ledger']);
    expect(lookups.get('datomic-tables')).toBeUndefined();
    expect(lookups.get('aurora-jobs')).toBeUndefined();
  });

  it('datomic-tables: ListTables filtered by `$env-[$prototype-]$service-datomic`', async () => {
    const dynamodb: DynamoDbActions = {
      describeTable: () => Promise.resolve(undefined),
      updateCapacity: () => Promise.resolve(),
      listTableNames: () => Promise.resolve(['prod-s0-analytics-datomic', 'prod-ledger-datomic', 'prod-s0-analytics', 'Prod-X-datomic', 'terraform-locks']),
    };
    expect(await createFormLookups({ dynamodb }).get('datomic-tables')!(signal)).toEqual(['prod-s0-analytics-datomic', 'prod-ledger-datomic']);
    // An adapter without ListTables (a fake) leaves the lookup out rather than guessing.
    expect(createFormLookups({ dynamodb: { ...dynamodb, listTableNames: undefined } }).get('datomic-tables')).toBeUndefined();
  });

  it('dagao-failed-tasks: failed task ids of the latest dagão run', async () => {
    const calls: unknown[] = [];
    const airflow = {
      listDagRuns: (dagId: string, options: unknown) => (
        calls.push(['runs', dagId, options]),
        Promise.resolve([{ dagId, dagRunId: 'scheduled__2026-12-05', state: 'failed' }])
      ),
      listTaskInstances: (dagId: string, runId: string, options: unknown) => (
        calls.push(['tasks', dagId, runId, options]),
        Promise.resolve([{ taskId: 'itaipu-contracts' }, { taskId: 'itaipu-ledger' }])
      ),
    };
    const lookups = createFormLookups({ airflow: airflow as unknown as AirflowActions, dagaoDagId: 'dagao' });
    expect(await lookups.get('dagao-failed-tasks')!(signal)).toEqual(['itaipu-contracts', 'itaipu-ledger']);
    expect(calls).toEqual([
      ['runs', 'dagao', { limit: 1 }],
      ['tasks', 'dagao', 'scheduled__2026-12-05', { states: ['failed', 'upstream_failed'] }],
    ]);
  });
});
