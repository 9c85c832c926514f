import { UserFacingError } from '../../../src/operations/runbook';
import { engineHarness, HOME } from './engine-harness';

describe('OperationEngine: proposing and approving', () => {
  it('stores a mutating plan as awaiting approval, publishes it and runs nothing', async () => {
    const h = engineHarness();
    const op = await h.propose();
    expect(op.state).toBe('awaiting_approval');
    expect(op.location.messageTs).toBe('1700000000.000101');
    expect(Date.parse(op.expiresAt!) - Date.parse(op.createdAt)).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    await h.engine.idle();
    expect(h.runbook.runs).toEqual([]);
    expect((await h.store.auditTrail(op.id)).map((e) => e.type)).toEqual(['created', 'message_posted']);
  });

  it('refuses the requester (four eyes) and runs nothing', async () => {
    const h = engineHarness();
    const op = await h.propose();
    const outcome = await h.approveAs(op, 'UREQ');
    expect(outcome).toMatchObject({ kind: 'refused' });
    expect(outcome.kind === 'refused' && outcome.reason).toMatch(/four-eyes/);
    await h.engine.idle();
    expect(h.runbook.runs).toEqual([]);
    expect((await h.store.get(op.id))?.state).toBe('awaiting_approval');
    expect((await h.store.auditTrail(op.id)).map((e) => e.type)).toContain('approval_refused');
  });

  it('runs the step once after another user approves, and records the result', async () => {
    const h = engineHarness();
    const op = await h.propose();
    expect(await h.approveAs(op, 'UAPP')).toMatchObject({ kind: 'approved', remaining: 0 });
    await h.engine.idle();
    const done = (await h.store.get(op.id))!;
    expect(done.state).toBe('succeeded');
    expect(done.results).toMatchObject([{ stepId: 'step-1', attempt: 1, outcome: 'succeeded', summary: 'step-1 done' }]);
    expect(done.lease).toBeUndefined();
    expect(h.runbook.runs).toEqual([{ stepId: 'step-1', attempt: 1 }]);
    expect(h.observer.types()).toEqual(['approval_added', 'step_started', 'step_finished', 'finished']);
    expect((await h.store.auditTrail(op.id)).map((e) => e.type)).toEqual([
      'created',
      'message_posted',
      'approved',
      'step_started',
      'step_finished',
      'succeeded',
    ]);
  });

  it('runs once when the same approval arrives twice at the same time', async () => {
    const h = engineHarness();
    const op = await h.propose();
    const outcomes = await Promise.all([h.approveAs(op, 'UAPP'), h.approveAs(op, 'UAPP'), h.approveAs(op, 'UOTHER')]);
    await h.engine.idle();
    expect(outcomes.filter((o) => o.kind === 'approved')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'not_pending' || o.kind === 'refused')).toHaveLength(2);
    expect(h.runbook.runs).toHaveLength(1);
  });

  it('needs two distinct approvers for a destructive step', async () => {
    const h = engineHarness({ risks: ['destructive'] });
    const op = await h.propose();
    expect(await h.approveAs(op, 'UA')).toMatchObject({ kind: 'approved', remaining: 1 });
    expect(await h.approveAs(op, 'UA')).toMatchObject({ kind: 'refused' });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(0);
    expect(await h.approveAs(op, 'UB')).toMatchObject({ kind: 'approved', remaining: 0 });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(1);
    expect((await h.store.get(op.id))!.approvals.map((a) => a.userId)).toEqual(['UA', 'UB']);
  });

  it('only counts listed approvers, directly or through a user group', async () => {
    const h = engineHarness({ approvers: ['UBOSS', 'SONCALL'], groups: { SONCALL: ['UONCALL'] } });
    const op = await h.propose();
    expect(await h.approveAs(op, 'URANDOM')).toMatchObject({ kind: 'refused' });
    expect(await h.approveAs(op, 'UONCALL')).toMatchObject({ kind: 'approved', remaining: 0 });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(1);
  });

  it('refuses an approval bound to another fingerprint (a tampered or old button)', async () => {
    const h = engineHarness();
    const op = await h.propose();
    expect(await h.approveAs(op, 'UAPP', '0000000000000000')).toMatchObject({ kind: 'stale' });
    expect(await h.engine.approve({ operationId: op.id, stepId: 'step-9', fingerprint: 'x', userId: 'UAPP', from: HOME })).toMatchObject({ kind: 'stale' });
    expect(await h.engine.approve({ operationId: 'op-zzzzzzzz', stepId: 'step-1', fingerprint: 'x', userId: 'UAPP', from: HOME })).toEqual({
      kind: 'not_found',
    });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(0);
  });

  it('tells a late click the state and never runs again', async () => {
    const h = engineHarness();
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.approveAs(op, 'UOTHER')).toMatchObject({ kind: 'not_pending', op: { state: 'succeeded' } });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(1);
  });

  it('fails the operation and says why when the plan cannot be posted', async () => {
    const h = engineHarness();
    h.observer.failPublish = new Error('not_in_channel');
    await expect(h.propose()).rejects.toThrow(UserFacingError);
    const [op] = await h.store.listRecent(1);
    expect(op).toMatchObject({ state: 'failed', reason: expect.stringContaining('not_in_channel') });
  });
});

describe('OperationEngine: expiry and cancellation', () => {
  it('expires an approval request on click after the window, and runs nothing', async () => {
    const h = engineHarness();
    const op = await h.propose();
    h.clock.now = new Date(Date.parse(op.expiresAt!) + 1);
    expect(await h.approveAs(op, 'UAPP')).toMatchObject({ kind: 'expired', op: { state: 'expired' } });
    expect(await h.approveAs(op, 'UAPP')).toMatchObject({ kind: 'not_pending', op: { state: 'expired' } });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(0);
    expect(h.observer.types()).toEqual(['expired']);
  });

  it('expires overdue requests in the sweep, once', async () => {
    const h = engineHarness();
    const op = await h.propose();
    h.clock.now = new Date(Date.parse(op.expiresAt!) + 1);
    await Promise.all([h.engine.sweep(), h.engine.sweep()]);
    expect((await h.store.get(op.id))?.state).toBe('expired');
    expect(h.observer.types()).toEqual(['expired']);
  });

  it('lets the requester cancel; a later approval runs nothing', async () => {
    const h = engineHarness();
    const op = await h.propose();
    expect(await h.engine.cancel({ operationId: op.id, userId: 'UREQ', from: HOME })).toMatchObject({ kind: 'cancelled' });
    expect(await h.approveAs(op, 'UAPP')).toMatchObject({ kind: 'not_pending', op: { state: 'cancelled' } });
    await h.engine.idle();
    expect(h.runbook.runs).toHaveLength(0);
  });

  it('refuses a cancel from someone who is neither requester nor approver', async () => {
    const h = engineHarness({ approvers: ['UBOSS'] });
    const op = await h.propose();
    expect(await h.engine.cancel({ operationId: op.id, userId: 'URANDOM', from: HOME })).toMatchObject({ kind: 'refused' });
    expect(await h.engine.cancel({ operationId: op.id, userId: 'UBOSS', from: HOME })).toMatchObject({ kind: 'cancelled' });
  });
});
