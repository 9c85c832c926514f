import type { Runbook } from '../../operations/runbook';
import { defineRunbook, type RunbookHooks } from '../define';
import type { RollbackDeps } from './deps';
import { RollbackArgs, RollbackInput, rollbackInputOf, SHA } from './input';
import { buildRollbackPlan, PICK_BUILD_ACTION } from './plan';
import { rollbackSteps } from './kinds';
import { discardUnexecuted } from './recovery';
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
    steps: rollbackSteps(deps),
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
