import type { Runbook, StepOutcome } from '../../operations/runbook';
import { defineRunbook, type RunbookHooks } from '../define';
import type { RollbackDeps } from './deps';
import { RollbackArgs, RollbackInput, rollbackInputOf, SHA } from './input';
import { buildRollbackPlan, PICK_BUILD_ACTION, succeeded } from './plan';
import { discardUnexecuted, undoFor, type UndoProposer } from './recovery';
import { runExecute, runPrepare, runVerify } from './run';
import { STEP_IDS } from './steps';
import { rollbackTarget } from '../history/targets';

export { DEFAULT_ROLLBACK_TIMING, type RollbackDeps, type RollbackTiming } from './deps';
export { PICK_BUILD_ACTION } from './plan';
export { rollbackUndo, rollbackUndoRunbook } from './undo';

/** "Hot-deploying rollbacks": blue/green (or in-place) rollback of a service through CloudFormation change sets. */
export const rollback = defineRunbook({
  name: 'rollback',
  title: 'Roll back a service (CloudFormation blue/green)',
  // GoCD is required: it tells whether a `to-prod` is running and which builds were good.
  requires: ['cloudformation', 'gocd', 'serviceVersion', 'rollbackSettings'],
  args: RollbackArgs,
  input: RollbackInput,
  toInput: rollbackInputOf,
  create: (a) => rollbackHooks({ ...a.rollbackSettings, cfn: a.cloudformation, gocd: a.gocd, versions: a.serviceVersion }),
});

/** Parses `rollback <service> [--shard <name>]... [--to <sha>] [--in-place]` (the generated parser). */
export const parseRollback = rollback.parse;

/** The rollback runbook on these dependencies (a missing CloudFormation or GoCD: listed, refusing). */
export function rollbackRunbook(deps: RollbackDeps): Runbook<RollbackInput> {
  return rollback.create({ ...rollbackAdapters(deps), rollbackSettings: deps });
}

/** The named adapters inside rollback dependencies. */
export function rollbackAdapters(deps: RollbackDeps) {
  return { cloudformation: deps.cfn, gocd: deps.gocd, serviceVersion: deps.versions };
}

function rollbackHooks(deps: RollbackDeps): RunbookHooks<RollbackInput> {
  return {
    targetOf: rollbackTarget,
    // Longer than the stack waiter and the verification, which end the step themselves with a clear report.
    stepTimeoutMs: Math.max(deps.timing.waiter.maxWaitSeconds * 1000, deps.timing.verify.timeoutMs) * 2 + 60_000,
    buildPlan: (input, ctx) => buildRollbackPlan(deps, input, ctx),
    async runStep(step, input, ctx): Promise<StepOutcome> {
      const cfn = deps.cfn;
      if (!cfn) return { ok: false, summary: 'No CloudFormation client is configured.' };
      const proposeUndo: UndoProposer = (c, why) => undoFor(cfn, input.service, c.operation.results, why);
      // Taking a color down is only ever offered after the new version was verified; refuse anything else.
      if ((step.id === STEP_IDS.prepareScaleDown || step.id === STEP_IDS.scaleDown) && !succeeded(ctx.operation.results, STEP_IDS.verify)) {
        return { ok: false, summary: 'Refused: the bad color is only taken down after the new version was verified, and it was not.' };
      }
      switch (step.action.kind) {
        case 'rollback.prepare':
          return runPrepare(deps, cfn, step, ctx);
        case 'rollback.execute':
          return runExecute(deps, cfn, step, ctx, step.id === STEP_IDS.deploy ? proposeUndo : undefined);
        case 'rollback.verify':
          // Once the bad color is gone there is nothing to undo: a failure is reported, not reverted.
          return runVerify(deps, step, ctx, step.id === STEP_IDS.verify ? proposeUndo : undefined, cfn);
        default:
          return { ok: false, summary: `Unknown step kind ${step.action.kind}.` };
      }
    },
    planMenus: {
      // "Roll back to another build": the same rollback, to the picked commit.
      [PICK_BUILD_ACTION]: (choice, { input }) =>
        Promise.resolve(
          SHA.test(choice) ? { ok: true, value: { ...input, to: choice } } : { ok: false, error: 'This menu entry is not a build of this service.' },
        ),
    },
    cleanUp: (_input, ctx) => (deps.cfn ? discardUnexecuted(deps.cfn, ctx.operation.results, ctx.signal) : Promise.resolve(undefined)),
  };
}
