import { checkPlanSteps, runStepOf } from '../../../../src/operations/step-kinds';
import type { Plan, Step, StepResult } from '../../../../src/operations/types';
import { rollbackRunbook, rollbackUndoRunbook } from '../../../../src/runbooks/rollback';
import { deps, logger, MemoryCloudFormation, MemoryGoCd, resultOf, run, runContext } from './in-memory';

const SHA = (c: string): string => c.repeat(40);
const ctx = (results: StepResult[] = []) => ({ logger, now: new Date('2026-11-24T12:00:00Z'), results });
const input = { service: 'metapod', shards: [], inPlace: false };

function world(): { cfn: MemoryCloudFormation; gocd: MemoryGoCd } {
  const cfn = new MemoryCloudFormation();
  cfn.add('prod-global-k-metapod', { BlueVersion: 'ccccccc', BlueInstanceCount: '3', GreenVersion: 'aaaaaaa', GreenInstanceCount: '0' });
  const gocd = new MemoryGoCd();
  gocd.history = [run(42, SHA('c')), run(41, SHA('b')), run(40, SHA('a'))];
  return { cfn, gocd };
}

describe('the rollback step kinds (rollback.prepare, rollback.execute, rollback.verify)', () => {
  it('refuses a stored deploy step whose change set id is missing, naming the step and the field, and executes nothing', async () => {
    const { cfn, gocd } = world();
    const rb = rollbackRunbook(deps(cfn, gocd, ['bbbbbbb']));
    const plan = await rb.buildPlan(input, ctx());
    const prepared = await runStepOf(rb, plan.steps[0]!, input, runContext(plan.steps[0]!, []));
    const results = [resultOf('prepare', prepared)];
    const gate = await rb.buildPlan(input, ctx(results));
    const deploy = gate.steps[1]!;
    const calls = cfn.calls.length;
    const stored: Step = {
      ...deploy,
      action: { kind: 'rollback.execute', params: { phase: 'deploy', sets: [{ stack: 'prod-global-k-metapod', changes: {} }] } },
    };
    const outcome = await runStepOf(rb, stored, input, runContext(stored, results));
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('Step `deploy` (rollback.execute) has invalid parameters: field `sets.0.changeSetId`');
    expect(cfn.calls.slice(calls)).toEqual([]);
    // The same step as planned runs (the refusal came from the params, not from the fake).
    expect(await runStepOf(rb, deploy, input, runContext(deploy, results))).toMatchObject({ ok: true });
    expect(cfn.calls.slice(calls).some((c) => c.startsWith('executeChangeSet'))).toBe(true);
  });

  it('refuses a stored verify step whose URL is not http(s)', async () => {
    const { cfn, gocd } = world();
    const rb = rollbackRunbook(deps(cfn, gocd, ['bbbbbbb']));
    const plan = await rb.buildPlan(input, ctx());
    const verify: Step = {
      ...plan.steps[2]!,
      action: {
        kind: 'rollback.verify',
        params: { expected: 'bbbbbbb', mode: 'some', checks: [{ stack: 'prod-global-k-metapod', url: 'file:///etc/passwd' }] },
      },
    };
    const outcome = await runStepOf(rb, verify, input, runContext(verify, []));
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.summary).toContain('Step `verify` (rollback.verify) has invalid parameters: field `checks.0.url`');
  });

  it('the undo declares no verify: a stored verify step in an undo is refused', async () => {
    const { cfn, gocd } = world();
    const undo = rollbackUndoRunbook(deps(cfn, gocd, ['bbbbbbb']));
    const plan = await rollbackRunbook(deps(cfn, gocd, ['bbbbbbb'])).buildPlan(input, ctx());
    const verify = plan.steps[2]!;
    const undoInput = { service: 'metapod', stacks: [{ stack: 'prod-global-k-metapod', parameters: { GreenVersion: 'aaaaaaa' } }] };
    expect(await runStepOf(undo, verify, undoInput, runContext(verify, []))).toMatchObject({
      ok: false,
      summary: expect.stringContaining('unknown kind `rollback.verify`'),
    });
    const bad: Plan = { ...plan, steps: [verify] };
    expect(() => checkPlanSteps(undo, bad)).toThrow(/rollback-undo runbook built a plan it cannot run: Step `verify` has the unknown kind `rollback.verify`/);
  });
});
