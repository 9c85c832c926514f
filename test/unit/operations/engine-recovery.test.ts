import { stepFingerprint } from '../../../src/operations/fingerprint';
import type { Operation } from '../../../src/operations/types';
import { engineHarness, type Harness, HOME } from './engine-harness';

/** An operation whose mutating step was interrupted by a crash after recording a change set id. */
async function interrupted(h: Harness): Promise<Operation> {
  h.runbook.behaviours['step-1'] = async (ctx) => {
    await ctx.recordExternalId('changeSetId', 'arn:cs/1');
    return new Promise(() => undefined);
  };
  const op = await h.propose();
  await h.approveAs(op, 'UAPP');
  await new Promise((r) => setTimeout(r, 30));
  await h.engine.stop(); // the process goes away mid-step
  const after = (await h.store.get(op.id))!;
  expect(after.state).toBe('interrupted');
  delete h.runbook.behaviours['step-1'];
  return after;
}

describe('OperationEngine: after an interruption', () => {
  it('"check state" without a dedicated check shows the step as planned now, changes nothing, and is audited', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    const outcome = await h.engine.checkState({ operationId: op.id, userId: 'UOTHER', from: HOME });
    expect(outcome).toMatchObject({ kind: 'checked', outcome: { ok: true, details: [{ label: 'Call', value: 'do 1 on metapod' }] } });
    expect((await h.store.get(op.id))!).toMatchObject({ state: 'interrupted', version: op.version });
    expect(h.runbook.runs).toHaveLength(1);
    expect((await h.store.auditTrail(op.id)).map((e) => e.type)).toContain('state_checked');
    expect(h.observer.events.at(-1)!.event).toMatchObject({ type: 'state_checked', userId: 'UOTHER' });
  });

  it('"check state" uses the runbook\'s own read-only check with the recorded external ids', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    const seen: Record<string, string>[] = [];
    h.runbook.stateCheck = (ctx) => {
      seen.push(ctx.externalIds);
      return Promise.resolve({ ok: true, summary: 'The change set was executed.' });
    };
    expect(await h.engine.checkState({ operationId: op.id, userId: 'UREQ', from: HOME })).toMatchObject({
      outcome: { summary: 'The change set was executed.' },
    });
    expect(seen).toEqual([{ changeSetId: 'arn:cs/1' }]);
  });

  it('reports a failing check as a failed check, not as a crash', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    h.runbook.stateCheck = () => Promise.reject(new Error('CloudFormation is unreachable'));
    expect(await h.engine.checkState({ operationId: op.id, userId: 'UREQ', from: HOME })).toMatchObject({
      outcome: { ok: false, summary: 'The check itself failed: CloudFormation is unreachable' },
    });
  });

  it('"run again" needs a fresh approval (four eyes), then runs the step once as attempt 2', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    const restarted = engineHarness({ store: h.store });
    restarted.runbook.runs = h.runbook.runs;
    const rerun = await restarted.engine.runAgain({ operationId: op.id, userId: 'UREQ', from: HOME });
    expect(rerun).toMatchObject({ kind: 'rerun_requested', op: { state: 'awaiting_approval', approvals: [] } });
    expect(h.runbook.runs).toHaveLength(1);
    // The requester still cannot approve their own operation.
    expect(await restarted.approveAs(op, 'UREQ')).toMatchObject({ kind: 'refused' });
    // The first attempt's approval binding (an old button, a retried delivery) does not approve attempt 2.
    const step = op.plan.steps[0]!;
    expect(await restarted.approveAs(op, 'UAPP', stepFingerprint(step, op.plan.facts))).toMatchObject({ kind: 'stale' });
    expect(await restarted.approveAs(op, 'UAPP')).toMatchObject({ kind: 'approved', remaining: 0 });
    await restarted.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({
      state: 'succeeded',
      results: [
        { attempt: 1, outcome: 'interrupted' },
        { attempt: 2, outcome: 'succeeded' },
      ],
    });
    expect(h.runbook.runs).toEqual([
      { stepId: 'step-1', attempt: 1 },
      { stepId: 'step-1', attempt: 2 },
    ]);
    expect((await h.store.auditTrail(op.id)).map((e) => e.type)).toContain('rerun_requested');
  });

  it('lets only the requester or an approver ask to run again, and only once', async () => {
    const h = engineHarness({ approvers: ['UAPP'] });
    const op = await interrupted(h);
    expect(await h.engine.runAgain({ operationId: op.id, userId: 'USTRANGER', from: HOME })).toMatchObject({ kind: 'refused' });
    const both = await Promise.all([
      h.engine.runAgain({ operationId: op.id, userId: 'UREQ', from: HOME }),
      h.engine.runAgain({ operationId: op.id, userId: 'UAPP', from: HOME }),
    ]);
    expect(both.map((o) => o.kind).sort()).toEqual(['not_interrupted', 'rerun_requested']);
    expect(await h.engine.runAgain({ operationId: 'op-missing0', userId: 'UREQ', from: HOME })).toEqual({ kind: 'not_found' });
  });

  it('makes whoever clicks "Run again" a requester: neither they nor the original requester approve the re-run (issue 16)', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    const r = engineHarness({ store: h.store }); // the restarted process
    r.runbook.runs = h.runbook.runs;
    expect(await r.engine.runAgain({ operationId: op.id, userId: 'URERUN', from: HOME })).toMatchObject({
      kind: 'rerun_requested',
      op: { reruns: [{ userId: 'URERUN', stepId: 'step-1', attempt: 2 }] },
    });
    expect(await r.approveAs(op, 'URERUN')).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/asked to run this step again/) });
    expect(await r.approveAs(op, 'UREQ')).toMatchObject({ kind: 'refused' });
    await r.engine.idle();
    expect(h.runbook.runs).toHaveLength(1);
    expect(await r.approveAs(op, 'UTHIRD')).toMatchObject({ kind: 'approved', remaining: 0 });
    await r.engine.idle();
    expect(h.runbook.runs).toEqual([
      { stepId: 'step-1', attempt: 1 },
      { stepId: 'step-1', attempt: 2 },
    ]);
    const audit = await h.store.auditTrail(op.id);
    expect(audit.find((e) => e.type === 'rerun_requested')).toMatchObject({
      actor: 'URERUN',
      detail: { stepId: 'step-1', attempt: 2, originalRequester: 'UREQ' },
    });
    expect(audit.filter((e) => e.type === 'approval_refused').map((e) => [e.actor, e.detail.code])).toEqual([
      ['URERUN', 'rerun_requester'],
      ['UREQ', 'requester'],
    ]);
    expect(audit.filter((e) => e.type === 'approved').at(-1)).toMatchObject({ actor: 'UTHIRD', detail: { attempt: 2, rerunRequestedBy: ['URERUN'] } });
  });

  it('needs two people who are neither requester nor re-runner for a destructive re-run', async () => {
    const h = engineHarness({ risks: ['destructive'] });
    h.runbook.behaviours['step-1'] = () => new Promise(() => undefined);
    const op = await h.propose();
    await h.approveAs(op, 'UA');
    await h.approveAs(op, 'UB');
    await new Promise((r) => setTimeout(r, 30));
    await h.engine.stop();
    delete h.runbook.behaviours['step-1'];
    const restarted = engineHarness({ store: h.store, risks: ['destructive'] });
    expect(await restarted.engine.runAgain({ operationId: op.id, userId: 'UA', from: HOME })).toMatchObject({ kind: 'rerun_requested' });
    expect(await restarted.approveAs(op, 'UA')).toMatchObject({ kind: 'refused' });
    expect(await restarted.approveAs(op, 'UB')).toMatchObject({ kind: 'approved', remaining: 1 });
    expect(await restarted.approveAs(op, 'UREQ')).toMatchObject({ kind: 'refused' });
    expect(await restarted.approveAs(op, 'UC')).toMatchObject({ kind: 'approved', remaining: 0 });
    await restarted.engine.idle();
    expect(restarted.runbook.runs).toEqual([{ stepId: 'step-1', attempt: 2 }]);
  });

  it('refuses every recovery click from another channel or workspace, and runs nothing', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    for (const from of [
      { channel: 'COTHER', team: 'T0001' },
      { channel: 'CDATA', team: 'TFOREIGN' },
    ]) {
      expect(await h.engine.runAgain({ operationId: op.id, userId: 'UREQ', from })).toMatchObject({ kind: 'refused' });
      expect(await h.engine.checkState({ operationId: op.id, userId: 'UREQ', from })).toMatchObject({ kind: 'refused' });
      expect(await h.engine.cancel({ operationId: op.id, userId: 'UREQ', from })).toMatchObject({ kind: 'refused' });
    }
    expect((await h.store.get(op.id))!.state).toBe('interrupted');
    expect(h.runbook.runs).toHaveLength(1);
  });

  it('can be closed without running again', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    expect(await h.engine.cancel({ operationId: op.id, userId: 'UREQ', from: HOME })).toMatchObject({ kind: 'cancelled', op: { state: 'cancelled' } });
    expect(await h.engine.runAgain({ operationId: op.id, userId: 'UREQ', from: HOME })).toMatchObject({ kind: 'not_interrupted' });
    expect(await h.engine.checkState({ operationId: op.id, userId: 'UREQ', from: HOME })).toMatchObject({ kind: 'not_interrupted' });
  });
});

describe('OperationEngine: step execution keys', () => {
  it('never executes an attempt whose key is already taken (e.g. a state rolled back by hand), and says so', async () => {
    const h = engineHarness();
    const op = await h.propose();
    expect(await h.store.remember(`step:${op.id}:step-1:1`, 60_000)).toBe(true);
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(h.runbook.runs).toEqual([]);
    expect(await h.store.get(op.id)).toMatchObject({
      state: 'interrupted',
      results: [{ attempt: 1, outcome: 'interrupted', summary: expect.stringMatching(/already been started once/) }],
    });
  });

  it('takes one key per attempt, so "run again" gets its own', async () => {
    const h = engineHarness();
    const op = await interrupted(h);
    expect(await h.store.remember(`step:${op.id}:step-1:1`, 60_000)).toBe(false);
    expect(await h.store.remember(`step:${op.id}:step-1:2`, 60_000)).toBe(true);
  });
});

describe('OperationEngine: writes by others while a step runs', () => {
  it('a late write (the plan message location) during the step neither fails nor interrupts it, and renewals go on', async () => {
    const h = engineHarness({ engine: { leaseMs: 240 } });
    let release!: () => void;
    h.runbook.behaviours['step-1'] = async (ctx) => {
      await new Promise<void>((r) => (release = r));
      await ctx.recordExternalId('requestId', 'r-1');
      return { ok: true, summary: 'done' };
    };
    const op = await h.propose();
    await h.approveAs(op, 'UAPP');
    await new Promise((r) => setTimeout(r, 30));
    const running = (await h.store.get(op.id))!;
    expect(running.state).toBe('running');
    await h.store.update({ ...running, location: { ...running.location, messageTs: '1700000000.999' } }, [
      { actor: 'system', type: 'message_posted', detail: {} },
    ]);
    await new Promise((r) => setTimeout(r, 300)); // longer than the lease: only renewals keep it
    const replica = engineHarness({ store: h.store, engine: { instanceId: 'other' } });
    await replica.engine.sweep();
    release();
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({
      state: 'succeeded',
      location: { messageTs: '1700000000.999' },
      results: [{ externalIds: { requestId: 'r-1' } }],
    });
    expect(replica.observer.types()).not.toContain('interrupted');
  });

  it('an approval that lands before the plan message location is stored still runs the step once', async () => {
    const h = engineHarness();
    const op = await h.propose();
    // Another writer bumps the version between the approval and the claim.
    const approved = h.approveAs(op, 'UAPP');
    const cur = (await h.store.get(op.id))!;
    await h.store.update({ ...cur, location: { ...cur.location, messageTs: '1700000000.5' } }, []).catch(() => undefined);
    await approved;
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded' });
    expect(h.runbook.runs).toHaveLength(1);
  });
});
