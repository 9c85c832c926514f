// Approvals per second the engine sustains on each store (issue 8): N operations are proposed, then
// approved by a colleague through the engine, CONCURRENCY clicks at a time, and each approved step runs
// (a fake runbook whose step returns at once) until every operation has succeeded. The timed part is
// approve -> step run -> succeeded, with the store's real writes (conditional updates, audit entries).
// Reported, not asserted.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pino from 'pino';
import { z } from 'zod';
import { attemptOf } from '../src/operations/changes';
import { OperationEngine } from '../src/operations/engine';
import { makePlan, stepFingerprint } from '../src/operations/fingerprint';
import { stepKind } from '../src/operations/step-kinds';
import type { OperationObserver } from '../src/operations/observer';
import type { Runbook, StepOutcome } from '../src/operations/runbook';
import type { Operation } from '../src/operations/types';
import { DynamoStore } from '../src/store/dynamodb';
import { MemoryStore } from '../src/store/memory';
import { SqliteStore } from '../src/store/sqlite';
import type { OperationStore } from '../src/store/store';
import { startDynaliteProcess } from '../test/support/dynalite';
import { round, tempDir, type BenchRow } from './lib';

const OPERATIONS = Number(process.env.BENCH_APPROVALS_N ?? 300);
// Clicks in flight at once, as when several operations are approved around the same time.
const CONCURRENCY = 10;

/** One mutating step that does nothing: what is measured is the engine and the store, not a backend. */
const fastRunbook: Runbook<{ target: string }> = {
  name: 'fast',
  title: 'Fast',
  usage: ['/runbook fast <target>'],
  inputSchema: z.object({ target: z.string() }),
  parse: (args) => (args[0] ? { ok: true, value: { target: args[0] } } : { ok: false, error: 'no target' }),
  buildPlan: (input) =>
    Promise.resolve(
      makePlan({
        runbook: 'fast',
        title: `Fast on ${input.target}`,
        summary: 'bench',
        facts: { target: input.target },
        steps: [
          {
            id: 'apply',
            title: 'Apply',
            risk: 'mutating',
            preview: [{ label: 'Call', value: `apply ${input.target}`, code: true }],
            verification: 'returns ok',
            action: { kind: 'fast', params: {} },
          },
        ],
      }),
    ),
  steps: [stepKind({ kind: 'fast', params: z.object({}), run: (): Promise<StepOutcome> => Promise.resolve({ ok: true, summary: 'applied' }) })],
};

const silentObserver: OperationObserver = {
  publish: () => Promise.resolve({ messageTs: '1700000000.000100' }),
  notify: () => Promise.resolve(),
};

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function measure(store: OperationStore): Promise<{ proposeMs: number; approveMs: number }> {
  const engine = new OperationEngine({
    store,
    runbooks: new Map([['fast', fastRunbook]]),
    policy: { approvers: [], directory: { groupMembers: () => Promise.resolve([]) } },
    observer: silentObserver,
    logger: pino({ level: 'silent' }),
    approvalTtlMs: 30 * 60_000,
  });
  try {
    const targets = Array.from({ length: OPERATIONS }, (_, i) => `t${i}`);
    const proposed: Operation[] = [];
    let started = process.hrtime.bigint();
    await pool(targets, CONCURRENCY, async (target) => {
      proposed.push(await engine.propose({ runbook: 'fast', input: { target }, requester: 'UREQ', location: { channel: 'CBENCH' } }));
    });
    const proposeMs = Number(process.hrtime.bigint() - started) / 1e6;
    started = process.hrtime.bigint();
    await pool(proposed, CONCURRENCY, async (op) => {
      const step = op.plan.steps[op.currentStep]!;
      const outcome = await engine.approve({
        operationId: op.id,
        stepId: step.id,
        fingerprint: stepFingerprint(step, op.plan.facts, attemptOf(op, step.id)),
        userId: 'UAPPROVER',
        from: { channel: 'CBENCH', team: undefined },
      });
      if (outcome.kind !== 'approved') throw new Error(`approval of ${op.id} was ${outcome.kind}`);
    });
    await engine.idle();
    const approveMs = Number(process.hrtime.bigint() - started) / 1e6;
    // A bench that lost operations would measure nothing: every one must have run once and succeeded.
    for (const op of proposed) {
      const final = await store.get(op.id);
      if (final?.state !== 'succeeded') throw new Error(`operation ${op.id} ended ${final?.state ?? 'missing'}`);
    }
    return { proposeMs, approveMs };
  } finally {
    await engine.stop();
  }
}

export async function bench(): Promise<BenchRow[]> {
  const tmp = tempDir('runbook-bench-store-');
  const dynalite = await startDynaliteProcess();
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynalite.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  try {
    const stores: { name: string; open: () => Promise<OperationStore> }[] = [
      { name: 'memory', open: () => Promise.resolve(new MemoryStore()) },
      { name: 'SQLite file', open: () => Promise.resolve(new SqliteStore(`${tmp.dir}/approvals.db`)) },
      { name: 'DynamoDB (dynalite, own process)', open: () => DynamoStore.open(client, 'runbook-bench-approvals') },
    ];
    const rows: BenchRow[] = [];
    const note = `${OPERATIONS} operations, ${CONCURRENCY} clicks in flight; approve -> step run (fake, instant) -> succeeded`;
    for (const { name, open } of stores) {
      const store = await open();
      try {
        const { proposeMs, approveMs } = await measure(store);
        rows.push(
          { metric: `approvals per second, ${name}`, value: round(OPERATIONS / (approveMs / 1000)), unit: 'per s', note },
          {
            metric: `proposals per second, ${name}`,
            value: round(OPERATIONS / (proposeMs / 1000)),
            unit: 'per s',
            note: `${OPERATIONS} operations, ${CONCURRENCY} at a time; plan built, stored, published (no-op observer)`,
          },
        );
      } finally {
        await store.close();
      }
    }
    return rows;
  } finally {
    client.destroy();
    await dynalite.close();
    tmp.cleanup();
  }
}
