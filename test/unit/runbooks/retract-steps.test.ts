import pino from 'pino';
import { HttpMetapodActions } from '../../../src/actions/metapod/metapod-actions';
import type { StepRunContext } from '../../../src/operations/runbook';
import { checkPlanSteps, runStepOf } from '../../../src/operations/step-kinds';
import type { Operation, Plan, Step } from '../../../src/operations/types';
import { retractRunbook, type RetractInput } from '../../../src/runbooks/retract';
import { startMetapodFake, type MetapodFake } from '../../../src/sandbox/fakes/metapod';

const logger = pino({ level: 'silent' });
const ID = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';
const INPUT: RetractInput = { kind: 'committed-dataset', id: ID };

function context(step: Step, plan: Plan): StepRunContext {
  return {
    operation: { id: 'op-test0001', plan, results: [], approvals: [] } as unknown as Operation,
    step,
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: () => undefined,
    recordExternalId: () => Promise.resolve(),
  };
}

describe('the retract step kind (metapod.retract)', () => {
  let metapod: MetapodFake;
  beforeEach(async () => {
    metapod = await startMetapodFake();
  });
  afterEach(async () => {
    metapod.assertNoUnexpected();
    await metapod.close();
  });
  const runbook = () => retractRunbook(new HttpMetapodActions(metapod.url, 2000));

  it('POSTs the kind and id of its stored parameters', async () => {
    const rb = runbook();
    const plan = await rb.buildPlan(INPUT, { logger, now: new Date(), results: [] });
    const step = plan.steps[0]!;
    expect(step.action).toEqual({ kind: 'metapod.retract', params: { kind: 'committed-dataset', id: ID } });
    const outcome = await runStepOf(rb, step, INPUT, context(step, plan));
    expect(outcome).toMatchObject({ ok: true });
    expect(metapod.requests.map((r) => r.path)).toEqual([`/api/migrations/retract/committed-dataset/${ID}`]);
  });

  it('refuses a stored step whose id is not a UUID, naming the step and the field, and sends nothing to Metapod', async () => {
    const rb = runbook();
    const plan = await rb.buildPlan(INPUT, { logger, now: new Date(), results: [] });
    const step: Step = { ...plan.steps[0]!, action: { kind: 'metapod.retract', params: { kind: 'committed-dataset', id: '../../admin' } } };
    const outcome = await runStepOf(rb, step, INPUT, context(step, plan));
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('Step `retract` (metapod.retract) has invalid parameters: field `id`');
    expect(outcome.summary).toContain('Nothing was run');
    expect(metapod.requests).toEqual([]);
  });

  it('refuses a stored step of a kind the runbook does not declare, and sends nothing', async () => {
    const rb = runbook();
    const plan = await rb.buildPlan(INPUT, { logger, now: new Date(), results: [] });
    const step: Step = { ...plan.steps[0]!, action: { kind: 'metapod.drop', params: { kind: 'committed-dataset', id: ID } } };
    const outcome = await runStepOf(rb, step, INPUT, context(step, plan));
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.summary).toContain('Step `retract` has the unknown kind `metapod.drop`');
    expect(metapod.requests).toEqual([]);
  });

  it('refuses at plan time a plan whose retract step has bad parameters', async () => {
    const rb = runbook();
    const plan = await rb.buildPlan(INPUT, { logger, now: new Date(), results: [] });
    const bad: Plan = { ...plan, steps: [{ ...plan.steps[0]!, action: { kind: 'metapod.retract', params: { kind: 'table', id: ID } } }] };
    expect(() => checkPlanSteps(rb, bad)).toThrow(
      /retract runbook built a plan it cannot run: Step `retract` \(metapod\.retract\) has invalid parameters: field `kind`/,
    );
    expect(() => checkPlanSteps(rb, plan)).not.toThrow();
  });
});
