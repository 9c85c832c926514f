import { engineHarness, HOME } from './engine-harness';

describe('OperationEngine: multi-step plans', () => {
  it('shows a preview computed from the results so far at the next gate, and runs it on that approval', async () => {
    const h = engineHarness({ risks: ['mutating', 'destructive'] });
    // What the second step will do depends on what the first one did (e.g. the change set after a deploy).
    h.runbook.factsFromResults = (results) => ({ firstStepSaid: results.map((r) => r.summary).join(',') });
    const op = await h.propose();
    expect(op.plan.facts).toMatchObject({ firstStepSaid: '' });
    await h.approveAs(op, 'UA');
    await h.engine.idle();
    const gated = (await h.store.get(op.id))!;
    expect(gated).toMatchObject({ state: 'awaiting_approval', currentStep: 1 });
    expect(gated.plan.facts).toMatchObject({ firstStepSaid: 'step-1 done' });
    expect(h.observer.types()).toContain('awaiting_approval');

    // The approval binds to the fresh preview, so it runs without a "plan changed" round trip.
    await h.approveAs(op, 'UA');
    await h.approveAs(op, 'UB');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded' });
    expect(h.observer.types()).not.toContain('plan_changed');
    expect(h.runbook.runs.map((r) => r.stepId)).toEqual(['step-1', 'step-2']);
  });

  it('fails clearly when the next step cannot be prepared', async () => {
    const h = engineHarness({ risks: ['mutating', 'mutating'] });
    const op = await h.propose();
    h.runbook.behaviours['step-1'] = () => {
      h.runbook.buildError = new Error('GoCD is down');
      return Promise.resolve({ ok: true, summary: 'deployed' });
    };
    h.runbook.buildError = undefined;
    // The first re-check (before step 1 runs) must still succeed: break the build only once step 1 ran.
    await h.approveAs(op, 'UA');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({
      state: 'failed',
      reason: 'Could not prepare the next step: GoCD is down',
      results: [{ outcome: 'succeeded' }],
    });
  });
});

describe('OperationEngine: what a step can hand back', () => {
  it('passes files to the observer with the step result, without storing them', async () => {
    const h = engineHarness();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    h.runbook.behaviours['step-1'] = () =>
      Promise.resolve({ ok: true, summary: 'charted', files: [{ filename: 'chart.png', title: 'Throttling', content: png }] });
    const op = await h.propose();
    await h.approveAs(op, 'UA');
    await h.engine.idle();
    const finished = h.observer.events.find((e) => e.event.type === 'step_finished')!.event;
    expect(finished.type === 'step_finished' && finished.files?.[0]).toMatchObject({ filename: 'chart.png', title: 'Throttling' });
    expect(JSON.stringify(await h.store.get(op.id))).not.toContain('chart.png');
  });

  it('proposes a follow-up in the same thread when the operation ends, needing its own approval', async () => {
    const h = engineHarness();
    h.runbook.behaviours['step-1'] = (ctx) =>
      ctx.operation.input && (ctx.operation.input as { target: string }).target === 'undo'
        ? Promise.resolve({ ok: true, summary: 'undone' })
        : Promise.resolve({
            ok: false,
            summary: 'verification timed out',
            followUp: { runbook: 'fake', input: { target: 'undo' }, why: 'The rollback did not verify; here is the undo.' },
          });
    const op = await h.propose();
    await h.approveAs(op, 'UA');
    await h.engine.idle();
    expect((await h.store.get(op.id))?.state).toBe('failed');
    const followUp = h.observer.events.find((e) => e.event.type === 'follow_up')!;
    expect(followUp.event).toMatchObject({ why: 'The rollback did not verify; here is the undo.', operationId: expect.stringMatching(/^op-/) });
    const undo = (await h.store.get((followUp.event as { operationId: string }).operationId))!;
    expect(undo).toMatchObject({
      state: 'awaiting_approval',
      requester: 'UREQ',
      input: { target: 'undo' },
      location: { channel: 'CDATA', threadTs: op.location.messageTs },
    });
    expect(h.runbook.runs).toHaveLength(1);
  });
});

describe('OperationEngine: clean-up after an operation ended unused', () => {
  function withCleanUp(answer: () => Promise<string | undefined>) {
    const h = engineHarness({ risks: ['mutating'] });
    const calls: { input: unknown; state: string }[] = [];
    Object.assign(h.runbook, {
      cleanUp: (input: unknown, ctx: { operation: { state: string } }) => (calls.push({ input, state: ctx.operation.state }), answer()),
    });
    return { h, calls };
  }

  it('lets the runbook release what it prepared once, on cancel, and says what it did', async () => {
    const { h, calls } = withCleanUp(() => Promise.resolve('Deleted 1 change set.'));
    const op = await h.propose('svc');
    await h.engine.cancel({ operationId: op.id, userId: 'UREQ', from: HOME });
    await h.engine.cancel({ operationId: op.id, userId: 'UREQ', from: HOME }); // a second click: already cancelled
    expect(calls).toEqual([{ input: { target: 'svc' }, state: 'cancelled' }]);
    expect(h.observer.events.filter((e) => e.event.type === 'cleaned_up').map((e) => e.event)).toEqual([{ type: 'cleaned_up', text: 'Deleted 1 change set.' }]);
  });

  it('cleans up once when the approval window passes (sweep), and not after a run that finished', async () => {
    const { h, calls } = withCleanUp(() => Promise.resolve(undefined));
    const expiring = await h.propose('a');
    const finished = await h.propose('b');
    await h.approveAs(finished, 'UAPP');
    await h.engine.idle();
    h.clock.now = new Date(Date.parse(expiring.expiresAt!) + 1);
    await h.engine.sweep();
    await h.engine.sweep();
    expect(calls).toEqual([{ input: { target: 'a' }, state: 'expired' }]);
    expect(h.observer.types()).not.toContain('cleaned_up'); // nothing to say when nothing was released
  });

  it('a failing clean-up is logged, never thrown at the person who cancelled', async () => {
    const { h } = withCleanUp(() => Promise.reject(new Error('CloudFormation is down')));
    const op = await h.propose();
    await expect(h.engine.cancel({ operationId: op.id, userId: 'UREQ', from: HOME })).resolves.toMatchObject({ kind: 'cancelled' });
  });
});
