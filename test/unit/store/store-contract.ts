import type { Operation } from '../../../src/operations/types';
import { VersionConflictError, type OperationStore } from '../../../src/store/store';

/** A minimal stored operation; tests change what they care about. */
export function storedOp(id: string, overrides: Partial<Operation> = {}): Operation {
  return {
    id,
    runbook: 'retract',
    input: { kind: 'attribute', id: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60' },
    plan: { runbook: 'retract', title: 't', summary: 's', steps: [], facts: {}, fingerprint: 'f' },
    state: 'awaiting_approval',
    version: 0,
    requester: 'UREQ',
    location: { channel: 'C1' },
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    currentStep: 0,
    approvals: [],
    results: [],
    ...overrides,
  };
}

/** The behaviour every OperationStore implementation must have. */
export function describeStoreContract(name: string, open: (now: () => Date) => Promise<OperationStore> | OperationStore): void {
  describe(`${name} store contract`, () => {
    let clock = new Date('2026-11-24T10:00:00Z');
    let store: OperationStore;
    beforeEach(async () => {
      clock = new Date('2026-11-24T10:00:00Z');
      store = await open(() => clock);
    });
    afterEach(() => store.close());

    it('round-trips an operation and starts it at version 1', async () => {
      await store.insert(storedOp('op-aaaaaaaa', { input: { nested: { unicode: 'ação ✓' } } }), [{ actor: 'UREQ', type: 'created', detail: { x: 1 } }]);
      const got = await store.get('op-aaaaaaaa');
      expect(got?.version).toBe(1);
      expect(got?.input).toEqual({ nested: { unicode: 'ação ✓' } });
      expect(await store.get('op-missing0')).toBeUndefined();
    });

    it('refuses a second insert with the same id', async () => {
      await store.insert(storedOp('op-aaaaaaaa'), []);
      await expect(store.insert(storedOp('op-aaaaaaaa'), [])).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('updates only from the current version and bumps it', async () => {
      const v1 = await store.insert(storedOp('op-aaaaaaaa'), []);
      const v2 = await store.update({ ...v1, state: 'approved' }, [{ actor: 'U2', type: 'approved', detail: {} }]);
      expect(v2.version).toBe(2);
      await expect(store.update({ ...v1, state: 'cancelled' }, [{ actor: 'U3', type: 'cancelled', detail: {} }])).rejects.toBeInstanceOf(VersionConflictError);
      expect((await store.get('op-aaaaaaaa'))?.state).toBe('approved');
      // The losing write's audit entry must not have been appended.
      expect((await store.auditTrail('op-aaaaaaaa')).map((e) => e.type)).toEqual(['approved']);
    });

    it('lets exactly one of two racing writers win', async () => {
      const v1 = await store.insert(storedOp('op-aaaaaaaa', { state: 'approved' }), []);
      const results = await Promise.allSettled([
        store.update({ ...v1, state: 'running', lease: { owner: 'a', expiresAt: 'x' } }, []),
        store.update({ ...v1, state: 'running', lease: { owner: 'b', expiresAt: 'x' } }, []),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    });

    it('keeps an ordered, append-only audit trail', async () => {
      await store.insert(storedOp('op-aaaaaaaa'), [{ actor: 'UREQ', type: 'created', detail: { a: 1 } }]);
      clock = new Date('2026-11-24T10:05:00Z');
      await store.appendAudit('op-aaaaaaaa', [
        { actor: 'U2', type: 'approval_refused', detail: { code: 'requester' } },
        { actor: 'system', type: 'step_started', detail: {} },
      ]);
      const trail = await store.auditTrail('op-aaaaaaaa');
      expect(trail.map((e) => [e.seq, e.type, e.actor])).toEqual([
        [1, 'created', 'UREQ'],
        [2, 'approval_refused', 'U2'],
        [3, 'step_started', 'system'],
      ]);
      expect(trail[1]!.at).toBe('2026-11-24T10:05:00.000Z');
      expect(trail[1]!.detail).toEqual({ code: 'requester' });
    });

    it('lists recent operations newest first, and by state', async () => {
      await store.insert(storedOp('op-aaaaaaaa', { createdAt: '2026-11-24T10:00:00.000Z', state: 'succeeded' }), []);
      await store.insert(storedOp('op-bbbbbbbb', { createdAt: '2026-11-24T11:00:00.000Z', state: 'running' }), []);
      await store.insert(storedOp('op-cccccccc', { createdAt: '2026-11-24T09:00:00.000Z', state: 'awaiting_approval' }), []);
      expect((await store.listRecent(2)).map((o) => o.id)).toEqual(['op-bbbbbbbb', 'op-aaaaaaaa']);
      const active = await store.listByState(['running', 'awaiting_approval']);
      expect(active.map((o) => o.id).sort()).toEqual(['op-bbbbbbbb', 'op-cccccccc']);
      expect(await store.listByState([])).toEqual([]);
    });

    it('keeps shared settings; the last write wins', async () => {
      expect(await store.getSetting('freeze')).toBeUndefined();
      await store.putSetting('freeze', '{"frozen":true}');
      await store.putSetting('freeze', '{"frozen":false}');
      expect(await store.getSetting('freeze')).toBe('{"frozen":false}');
      expect(await store.getSetting('other')).toBeUndefined();
    });

    it('remembers an idempotency key once until it expires', async () => {
      expect(await store.remember('event:Ev1', 60_000)).toBe(true);
      expect(await store.remember('event:Ev1', 60_000)).toBe(false);
      expect(await store.remember('event:Ev2', 60_000)).toBe(true);
      clock = new Date(clock.getTime() + 61_000);
      expect(await store.remember('event:Ev1', 60_000)).toBe(true);
    });

    it('answers a health ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('outbox', () => {
      const at = (): number => clock.getTime();
      const msg = (id: string, thread: string) => ({ id, thread, method: 'chat.postMessage' as const, args: { channel: 'C1', text: id } });

      it('keeps a message held by its enqueuer until the lease runs out, then gives it to one claimer', async () => {
        await store.outboxAdd(msg('0001', 'C1:1'), 'replica-a', at() + 10_000);
        expect(await store.outboxClaim('replica-b', at() + 10_000, 10)).toEqual([]);
        clock = new Date(at() + 10_001);
        const claimed = await store.outboxClaim('replica-b', at() + 10_000, 10);
        expect(claimed).toEqual([{ ...msg('0001', 'C1:1'), attempts: 0, notBefore: 0 }]);
        expect(await store.outboxClaim('replica-c', at() + 10_000, 10)).toEqual([]);
        // The dead enqueuer can no longer settle it; the claimer can, once.
        expect(await store.outboxDone('0001', 'replica-a', '1.0')).toBe(false);
        expect(await store.outboxDone('0001', 'replica-b', '1.0')).toBe(true);
        expect(await store.outboxDone('0001', 'replica-b', '1.0')).toBe(false);
        clock = new Date(at() + 60_000);
        expect(await store.outboxClaim('replica-c', at() + 10_000, 10)).toEqual([]);
      });

      it('claims in order per thread, and a thread whose first message is held waits whole', async () => {
        await store.outboxAdd(msg('0001', 'C1:A'), 'a', at() + 5000);
        await store.outboxAdd(msg('0002', 'C1:B'), 'a', at() - 1);
        await store.outboxAdd(msg('0003', 'C1:A'), 'a', at() - 1);
        await store.outboxAdd(msg('0004', 'C1:B'), 'a', at() - 1);
        expect((await store.outboxClaim('b', at() + 60_000, 10)).map((m) => m.id)).toEqual(['0002', '0004']);
        clock = new Date(at() + 5001);
        expect((await store.outboxClaim('c', at() + 5000, 10)).map((m) => m.id)).toEqual(['0001', '0003']);
      });

      it('retries a failed message not before the time given, counting attempts', async () => {
        await store.outboxAdd(msg('0001', 'C1:A'), 'a', at() + 1000);
        expect(await store.outboxRetry('0001', 'b', at() + 1, at() + 1)).toBe(false);
        expect(await store.outboxRetry('0001', 'a', at() + 30_000, at() + 2000)).toBe(true);
        clock = new Date(at() + 2001);
        expect(await store.outboxClaim('b', at() + 5000, 10)).toEqual([]);
        clock = new Date(at() + 30_000);
        expect(await store.outboxClaim('b', at() + 5000, 10)).toEqual([
          { ...msg('0001', 'C1:A'), attempts: 1, notBefore: new Date('2026-11-24T10:00:30Z').getTime() },
        ]);
      });
    });
  });
}

/** Correlation lookups (alarm coalescing) every store must support. */
export function describeCorrelationContract(name: string, open: () => Promise<OperationStore> | OperationStore): void {
  describe(`${name} store: operations grouped by correlation key`, () => {
    it('finds the newest active operation for a key, and none once it ended', async () => {
      const store = await open();
      await store.insert(storedOp('op-aaaaaaaa', { correlationKey: 'alarm:prod-datomic', state: 'succeeded', createdAt: '2026-11-24T09:00:00.000Z' }), []);
      await store.insert(
        storedOp('op-bbbbbbbb', { correlationKey: 'alarm:prod-datomic', state: 'awaiting_approval', createdAt: '2026-11-24T10:00:00.000Z' }),
        [],
      );
      await store.insert(storedOp('op-cccccccc', { correlationKey: 'alarm:other', state: 'running', createdAt: '2026-11-24T11:00:00.000Z' }), []);
      expect((await store.findActiveByKey('alarm:prod-datomic'))?.id).toBe('op-bbbbbbbb');
      const active = (await store.get('op-bbbbbbbb'))!;
      await store.update({ ...active, state: 'cancelled' }, []);
      expect(await store.findActiveByKey('alarm:prod-datomic')).toBeUndefined();
      expect(await store.findActiveByKey('alarm:unknown')).toBeUndefined();
      await store.close();
    });

    it('finds the newest operation for a key whatever its state', async () => {
      const store = await open();
      expect(await store.findLatestByKey('alarm:prod-datomic')).toBeUndefined();
      await store.insert(
        storedOp('op-aaaaaaaa', { correlationKey: 'alarm:prod-datomic', state: 'awaiting_approval', createdAt: '2026-11-24T09:00:00.000Z' }),
        [],
      );
      await store.insert(storedOp('op-bbbbbbbb', { correlationKey: 'alarm:prod-datomic', state: 'succeeded', createdAt: '2026-11-24T10:00:00.000Z' }), []);
      await store.insert(storedOp('op-cccccccc', { correlationKey: 'alarm:other', state: 'failed', createdAt: '2026-11-24T11:00:00.000Z' }), []);
      expect((await store.findLatestByKey('alarm:prod-datomic'))?.id).toBe('op-bbbbbbbb');
      expect((await store.findLatestByKey('alarm:other'))?.state).toBe('failed');
      expect(await store.findLatestByKey('alarm:unknown')).toBeUndefined();
      await store.close();
    });
  });
}
