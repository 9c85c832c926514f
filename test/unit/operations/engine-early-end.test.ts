import { engineHarness } from './engine-harness';

describe('OperationEngine: ending early as succeeded', () => {
  it('ends the operation when a read-only step says there is nothing more to do, the rest not run and audited as skipped', async () => {
    const h = engineHarness({ risks: ['read-only', 'read-only', 'mutating'] });
    h.runbook.behaviours['step-1'] = () =>
      Promise.resolve({ ok: true, summary: 'No throttling in the last 3 h.', done: { summary: 'No throttling found: nothing to change.' } });
    const op = await h.propose();
    await h.engine.idle();
    const ended = (await h.store.get(op.id))!;
    expect(ended).toMatchObject({
      state: 'succeeded',
      currentStep: 0,
      reason: 'No throttling found: nothing to change.',
      results: [{ stepId: 'step-1', outcome: 'succeeded' }],
    });
    expect(ended.lease).toBeUndefined();
    expect(h.runbook.runs.map((r) => r.stepId)).toEqual(['step-1']);
    expect(h.observer.types()).toEqual(expect.arrayContaining(['step_finished', 'finished']));
    expect(h.observer.types()).not.toContain('awaiting_approval');
    const trail = await h.store.auditTrail(op.id);
    expect(trail.find((a) => a.type === 'succeeded')?.detail).toEqual({
      endedEarly: { cause: 'step', summary: 'No throttling found: nothing to change.', skipped: ['step-2', 'step-3'] },
    });
  });

  it('ends early after an approved mutating step too, and ignores `done` on a failed step', async () => {
    const h = engineHarness({ risks: ['mutating', 'mutating'] });
    h.runbook.behaviours['step-1'] = () => Promise.resolve({ ok: true, summary: 'recovered', done: { summary: 'The retry recovered the run.' } });
    const op = await h.propose();
    await h.approveAs(op, 'UA');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded', currentStep: 0, reason: 'The retry recovered the run.' });

    const f = engineHarness({ risks: ['read-only', 'mutating'] });
    f.runbook.behaviours['step-1'] = () => Promise.resolve({ ok: false, summary: 'Airflow is down', done: { summary: 'ignored' } });
    const failed = await f.propose();
    await f.engine.idle();
    expect(await f.store.get(failed.id)).toMatchObject({ state: 'failed', reason: 'Airflow is down' });
  });

  it('a step that says done on the last step just succeeds (nothing skipped)', async () => {
    const h = engineHarness({ risks: ['read-only'] });
    h.runbook.behaviours['step-1'] = () => Promise.resolve({ ok: true, summary: 'fine', done: { summary: 'nothing to do' } });
    const op = await h.propose();
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded', currentStep: 0 });
    expect((await h.store.auditTrail(op.id)).find((a) => a.type === 'succeeded')?.detail).toEqual({});
  });

  it('ends as succeeded (not failed) when the plan rebuilt at the next gate no longer has that step', async () => {
    const h = engineHarness({ risks: ['read-only', 'mutating', 'mutating'] });
    // The diagnosis found nothing: a plan built from its result stops after it.
    h.runbook.stepsFromResults = (results) => (results.length > 0 ? 1 : 3);
    const op = await h.propose();
    await h.engine.idle();
    const ended = (await h.store.get(op.id))!;
    expect(ended).toMatchObject({ state: 'succeeded', currentStep: 0 });
    expect(ended.reason).toBe(
      'Nothing more to do after "Step 1": the plan rebuilt from the results so far no longer has "Step 2", so it and the steps after it were not run.',
    );
    // The plan that was shown keeps the steps that were not run, so the message can show them as skipped.
    expect(ended.plan.steps.map((s) => s.id)).toEqual(['step-1', 'step-2', 'step-3']);
    const trail = await h.store.auditTrail(op.id);
    expect(trail.map((a) => a.type)).not.toContain('failed');
    expect(trail.find((a) => a.type === 'succeeded')?.detail).toMatchObject({ endedEarly: { cause: 'rebuilt_plan', skipped: ['step-2', 'step-3'] } });
  });

  it('ends as succeeded when the plan rebuilt before the next read-only step no longer has it', async () => {
    const h = engineHarness({ risks: ['read-only', 'read-only', 'mutating'] });
    h.runbook.stepsFromResults = (results) => (results.length > 0 ? 1 : 3);
    const op = await h.propose();
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded', currentStep: 0, results: [{ stepId: 'step-1' }] });
    expect(h.runbook.runs.map((r) => r.stepId)).toEqual(['step-1']);
    expect(h.observer.types().at(-1)).toBe('finished');
    const trail = await h.store.auditTrail(op.id);
    expect(trail.find((a) => a.type === 'succeeded')?.detail).toMatchObject({ endedEarly: { cause: 'rebuilt_plan', skipped: ['step-2', 'step-3'] } });
  });

  it('ends as succeeded when, after the approval, the plan no longer has the approved step (nothing run)', async () => {
    const h = engineHarness({ risks: ['read-only', 'mutating'] });
    const op = await h.propose();
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'awaiting_approval', currentStep: 1 });
    h.runbook.stepsFromResults = () => 1; // e.g. the throttling stopped while the gate waited
    await h.approveAs(op, 'UA');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({ state: 'succeeded', currentStep: 0 });
    expect(h.runbook.runs.map((r) => r.stepId)).toEqual(['step-1']);
  });

  it('still fails clearly when the rebuilt plan has the next step somewhere else', async () => {
    const h = engineHarness({ risks: ['read-only', 'mutating'] });
    const build = h.runbook.buildPlan.bind(h.runbook);
    h.runbook.buildPlan = async (input, ctx) => {
      const plan = await build(input, ctx);
      return ctx && ctx.results.length > 0 ? { ...plan, steps: [...plan.steps].reverse() } : plan;
    };
    const op = await h.propose();
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({
      state: 'failed',
      reason: 'Could not prepare the next step: the rebuilt plan has the next step at another place',
    });
  });
});
