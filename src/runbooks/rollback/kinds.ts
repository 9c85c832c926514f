import type { CloudFormationActions } from '../../actions/cloudformation/types';
import type { StepOutcome, StepRunContext } from '../../operations/runbook';
import { stepKind, type AnyStepKind } from '../../operations/step-kinds';
import type { RollbackDeps } from './deps';
import { succeeded } from './plan';
import { undoFor, type UndoProposer } from './recovery';
import { ExecuteParams, PrepareParams, runExecute, runPrepare, runVerify, VerifyParams } from './run';
import { STEP_IDS } from './steps';

/** Runs `run` with the CloudFormation client, or fails the step when none is configured. */
function withCfn(deps: RollbackDeps, run: (cfn: CloudFormationActions) => Promise<StepOutcome>): Promise<StepOutcome> {
  return deps.cfn ? run(deps.cfn) : Promise.resolve({ ok: false, summary: 'No CloudFormation client is configured.' });
}

/** The step kinds of a rollback: prepare change sets, execute them, verify the version (the deploy and the verify propose the undo). */
export function rollbackSteps(deps: RollbackDeps): AnyStepKind[] {
  const proposeUndo =
    (cfn: CloudFormationActions, service: string): UndoProposer =>
    (c, why) =>
      undoFor(cfn, service, c.operation.results, why);
  // Taking a color down is only ever offered after the new version was verified; refuse anything else.
  const refusedScaleDown = (ctx: StepRunContext): StepOutcome | undefined =>
    (ctx.step.id === STEP_IDS.prepareScaleDown || ctx.step.id === STEP_IDS.scaleDown) && !succeeded(ctx.operation.results, STEP_IDS.verify)
      ? { ok: false, summary: 'Refused: the bad color is only taken down after the new version was verified, and it was not.' }
      : undefined;
  return [
    stepKind({
      kind: 'rollback.prepare',
      params: PrepareParams,
      run: (p, _input: { service: string }, ctx) => withCfn(deps, (cfn) => Promise.resolve(refusedScaleDown(ctx) ?? runPrepare(deps, cfn, p, ctx))),
    }),
    stepKind({
      kind: 'rollback.execute',
      params: ExecuteParams,
      run: (p, input: { service: string }, ctx) =>
        withCfn(deps, (cfn) =>
          Promise.resolve(
            refusedScaleDown(ctx) ?? runExecute(deps, cfn, p, ctx, ctx.step.id === STEP_IDS.deploy ? proposeUndo(cfn, input.service) : undefined),
          ),
        ),
    }),
    stepKind({
      kind: 'rollback.verify',
      params: VerifyParams,
      // Once the bad color is gone there is nothing to undo: a failure is reported, not reverted.
      run: (p, input: { service: string }, ctx) =>
        withCfn(deps, (cfn) => runVerify(deps, p, ctx, ctx.step.id === STEP_IDS.verify ? proposeUndo(cfn, input.service) : undefined, cfn)),
    }),
  ];
}

/** The step kinds of the undo of a rollback: prepare and execute the change sets that restore the values before. */
export function undoSteps(deps: RollbackDeps): AnyStepKind[] {
  return [
    stepKind({ kind: 'rollback.prepare', params: PrepareParams, run: (p, _input: unknown, ctx) => withCfn(deps, (cfn) => runPrepare(deps, cfn, p, ctx)) }),
    stepKind({ kind: 'rollback.execute', params: ExecuteParams, run: (p, _input: unknown, ctx) => withCfn(deps, (cfn) => runExecute(deps, cfn, p, ctx)) }),
  ];
}
