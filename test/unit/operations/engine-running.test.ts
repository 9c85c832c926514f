import { MemoryStore } from '../../../src/store/memory';
import { engineHarness, jitteryStore } from './engine-harness';

describe('OperationEngine: running steps', () => {
  it('ends as failed with the step summary when the step reports failure', async () => {
    const h = engineHarness();
    h.runbook.behaviours['step-1'] = () => Promise.resolve({ ok: false, summary: 'Metapod answered 500' });
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'failed', reason: 'Metapod answered 500' });
  });

  it('turns a thrown error into a failed result and keeps serving', async () => {
    const h = engineHarness();
    h.runbook.behaviours['step-1'] = () => Promise.reject(new Error('socket hang up'));
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'failed', results: [{ outcome: 'failed', summary: 'socket hang up' }] });
    const second = await h.propose();
    expect(second.state).toBe('awaiting_approval');
  });

  it('abandons a step that outlives its timeout and aborts its signal', async () => {
    const h = engineHarness();
    h.runbook.stepTimeoutMs = 80;
    let aborted = false;
    h.runbook.behaviours['step-1'] = (ctx) =>
      new Promise(() => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
      });
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/timed out after 80 ms/) });
    expect(aborted).toBe(true);
  });

  it('drops the progress an abandoned step reports after its result (no line under the result, nothing kept per step)', async () => {
    const h = engineHarness();
    h.runbook.stepTimeoutMs = 80;
    let late: ((text: string) => void) | undefined;
    h.runbook.behaviours['step-1'] = (ctx) => {
      ctx.progress('working');
      late = ctx.progress;
      return new Promise(() => undefined);
    };
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    late!('still here, after the timeout');
    await h.engine.idle();
    const progress = h.observer.events.filter((e) => e.event.type === 'progress').map((e) => (e.event as { text: string }).text);
    expect(progress).toEqual(['working']);
    expect(h.observer.types().at(-1)).not.toBe('progress');
  });

  it('voids the approval and asks again when the plan changed before running', async () => {
    const h = engineHarness();
    const op = await h.propose();
    h.runbook.facts = { version: 2 };
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    const current = (await h.store.get(op.id))!;
    expect(current.state).toBe('awaiting_approval');
    expect(current.approvals).toEqual([]);
    expect(current.plan.facts).toEqual({ version: 2 });
    expect(h.runbook.runs).toHaveLength(0);
    expect(h.observer.types()).toContain('plan_changed');
    // The new preview can be approved and then runs.
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(1);
  });

  it('fails clearly when the plan cannot be re-checked before running', async () => {
    const h = engineHarness();
    const op = await h.propose();
    h.runbook.buildError = new Error('CloudFormation is unreachable');
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'failed', reason: expect.stringContaining('CloudFormation is unreachable') });
    expect(h.runbook.runs).toHaveLength(0);
  });

  it('runs read-only steps without approval and stops at the next gate', async () => {
    const h = engineHarness({ risks: ['read-only', 'read-only', 'mutating'] });
    const op = await h.propose();
    await h.engine.idle();
    const gated = (await h.store.get(op.id))!;
    expect(gated).toMatchObject({ state: 'awaiting_approval', currentStep: 2 });
    expect(h.runbook.runs.map((r) => r.stepId)).toEqual(['step-1', 'step-2']);
    expect(h.observer.types()).toContain('awaiting_approval');
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded', currentStep: 2 });
    expect(h.runbook.runs.map((r) => r.stepId)).toEqual(['step-1', 'step-2', 'step-3']);
  });

  it('keeps the lease alive during a long step so a sweeping replica does not interrupt it', async () => {
    // The lease is short next to the step (renewed every third of it), with margin for a loaded machine.
    const h = engineHarness({ engine: { leaseMs: 240 } });
    const replica = engineHarness({ store: h.store, engine: { leaseMs: 240, instanceId: 'other' } });
    h.runbook.behaviours['step-1'] = () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, summary: 'slow but fine' }), 900));
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 120));
      await replica.engine.sweep();
    }
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded' });
    expect(replica.observer.types()).not.toContain('interrupted');
  });

  it('marks a running step whose runner is gone as interrupted and never re-runs it', async () => {
    const h = engineHarness({ engine: { leaseMs: 60 } });
    h.runbook.behaviours['step-1'] = async (ctx) => {
      await ctx.recordExternalId('changeSetId', 'arn:cs/1');
      return new Promise(() => undefined); // the process "dies" here: the step never returns
    };
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await new Promise((r) => setTimeout(r, 30));
    // Simulate the crash: the dead runner stops renewing; a new process sweeps after the lease ran out.
    const current = (await h.store.get(op.id))!;
    await h.store.update({ ...current, lease: { owner: 'dead', expiresAt: new Date(Date.now() - 1).toISOString() } }, []);
    const restarted = engineHarness({ store: h.store, engine: { instanceId: 'new' } });
    await restarted.engine.sweep();
    const after = (await h.store.get(op.id))!;
    expect(after.state).toBe('interrupted');
    expect(after.results).toMatchObject([{ outcome: 'interrupted', externalIds: { changeSetId: 'arn:cs/1' } }]);
    expect(restarted.observer.types()).toEqual(['interrupted']);
    expect(await h.approveAs(op, 'UOTHER')).toMatchObject({ kind: 'not_pending' });
    expect(h.runbook.runs).toHaveLength(1);
    await h.engine.stop();
  });
});

describe('OperationEngine: shutdown', () => {
  it('stops waiting for a hung step on shutdown and records it as interrupted, not failed', async () => {
    const h = engineHarness();
    h.runbook.behaviours['step-1'] = () => new Promise(() => undefined);
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await new Promise((r) => setTimeout(r, 20));
    await h.engine.stop();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'interrupted', results: [{ outcome: 'interrupted' }] });
    expect(h.observer.types()).toContain('interrupted');
  });
});

describe('OperationEngine: operations abandoned between approval and start', () => {
  async function abandonedApproval(h: ReturnType<typeof engineHarness>, ageMs: number) {
    const op = await h.propose();
    const current = (await h.store.get(op.id))!;
    const step = current.plan.steps[0]!;
    const { stepFingerprint } = await import('../../../src/operations/fingerprint');
    const old = new Date(Date.now() - ageMs).toISOString();
    // The approval was committed, then the process died before claiming the step.
    await h.store.update(
      {
        ...current,
        state: 'approved',
        updatedAt: old,
        approvals: [{ userId: 'UAPP', stepId: step.id, fingerprint: stepFingerprint(step, current.plan.facts), at: old }],
      },
      [],
    );
    return op;
  }

  it('is resumed exactly once when several replicas sweep at the same time', async () => {
    const shared = new MemoryStore();
    const h = engineHarness({ store: shared });
    const replicas = [h, ...['b', 'c', 'd', 'e'].map((id) => engineHarness({ store: jitteryStore(shared), engine: { instanceId: id } }))];
    replicas.forEach((r) => (r.runbook.behaviours['step-1'] = () => new Promise((res) => setTimeout(() => res({ ok: true, summary: 'ok' }), 50))));
    const op = await abandonedApproval(h, 60_000);
    await Promise.all(replicas.map((r) => r.engine.sweep()));
    await Promise.all(replicas.map((r) => r.engine.idle()));
    expect(replicas.reduce((n, r) => n + r.runbook.runs.length, 0)).toBe(1);
    expect((await h.store.get(op.id))?.state).toBe('succeeded');
  });

  it('is left alone while fresh (its own process is about to claim it)', async () => {
    const h = engineHarness();
    const op = await abandonedApproval(h, 0);
    await h.engine.sweep();
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(0);
    expect((await h.store.get(op.id))?.state).toBe('approved');
  });

  it('expires instead of running when the approval window passed while the bot was down', async () => {
    const h = engineHarness();
    const op = await abandonedApproval(h, 60_000);
    h.clock.now = new Date(Date.parse((await h.store.get(op.id))!.expiresAt!) + 1);
    await h.engine.sweep();
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(0);
    expect(await h.store.get(op.id)).toMatchObject({ state: 'expired', reason: expect.stringMatching(/nothing was run/) });
  });
});
