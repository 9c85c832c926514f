import { z } from 'zod';
import { makePlan } from '../../operations/fingerprint';
import { UserFacingError, type Runbook } from '../../operations/runbook';
import { defineRunbook, type RunbookHooks } from '../define';
import type { RollbackDeps } from './deps';
import { lookup, refuseWhileToProdRuns } from './lookups';
import { describePrepared, succeeded } from './plan';
import { discardUnexecuted } from './recovery';
import { undoSteps } from './kinds';
import { executeStep, prepareStep, STEP_IDS, type ChangeSetSpec } from './steps';

const PARAM = /^[A-Za-z][A-Za-z0-9]{0,254}$/;
const UndoInput = z.object({
  service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
  stacks: z
    .array(z.object({ stack: z.string().regex(/^prod-[a-z0-9-]+-k-[a-z0-9-]+$/), parameters: z.record(z.string().regex(PARAM), z.string().max(4096)) }))
    .min(1)
    .max(30),
});
export type UndoInput = z.infer<typeof UndoInput>;

/** The undo of a failed rollback: restores the parameters the stacks had before. Only proposed by the bot. */
export const rollbackUndo = defineRunbook({
  name: 'rollback-undo',
  title: 'Undo a rollback',
  requires: ['cloudformation', 'serviceVersion', 'rollbackSettings'],
  args: z.object({}),
  input: UndoInput,
  toInput: () => {
    throw new UserFacingError('The undo of a rollback is proposed by the bot; it cannot be typed.');
  },
  proposedOnly:
    "The undo of a rollback is proposed by the bot in the rollback's thread when it fails; it cannot be typed. Use `/runbook rollback <service> --to <sha>` instead.",
  create: (a) => undoHooks({ ...a.rollbackSettings, cfn: a.cloudformation, gocd: a.gocd, versions: a.serviceVersion }),
});

/** The undo runbook on these dependencies (no CloudFormation: listed, refusing). */
export function rollbackUndoRunbook(deps: RollbackDeps): Runbook<UndoInput> {
  return rollbackUndo.create({ cloudformation: deps.cfn, gocd: deps.gocd, serviceVersion: deps.versions, rollbackSettings: deps });
}

function undoHooks(deps: RollbackDeps): RunbookHooks<UndoInput> {
  return {
    stepTimeoutMs: deps.timing.waiter.maxWaitSeconds * 1000 + 5 * 60_000,
    async buildPlan(input, ctx) {
      const { cfn, gocd } = deps;
      if (!cfn) throw new UserFacingError('Rollback is disabled: no CloudFormation client is configured.', 'not_configured');
      if (gocd) await refuseWhileToProdRuns(gocd, deps.toProdPipeline);
      const specs: ChangeSetSpec[] = [];
      const states: Record<string, unknown> = {};
      for (const s of input.stacks) {
        const info = await lookup(`read stack ${s.stack}`, () => cfn.describeStack(s.stack));
        if (!info) throw new UserFacingError(`Stack \`${s.stack}\` does not exist any more: nothing to undo there.`, 'unknown_stack');
        if (info.status.endsWith('_IN_PROGRESS'))
          throw new UserFacingError(`\`${s.stack}\` is ${info.status}: wait until it is done before undoing.`, 'stack_in_progress');
        states[s.stack] = { status: info.status, parameters: info.parameters };
        const changes = Object.fromEntries(Object.entries(s.parameters).filter(([k, v]) => info.parameters[k] !== v));
        if (Object.keys(changes).length === 0) continue;
        const before = Object.fromEntries(Object.keys(changes).map((k) => [k, info.parameters[k] ?? '(unset)']));
        specs.push({ stack: s.stack, shard: s.stack.split('-')[1] ?? '', changes, before, note: 'back to the values before the rollback' });
      }
      if (specs.length === 0 && succeeded(ctx.results, STEP_IDS.restore) === undefined) {
        throw new UserFacingError(
          `Nothing to undo: ${input.stacks.map((s) => `\`${s.stack}\``).join(', ')} already have the previous parameters.`,
          'nothing_to_undo',
        );
      }
      const prepared = await describePrepared(cfn, succeeded(ctx.results, STEP_IDS.prepare), specs);
      return makePlan({
        runbook: 'rollback-undo',
        title: `Undo the rollback of ${input.service}`,
        summary: `Restore the parameters ${specs.map((s) => `\`${s.stack}\``).join(', ')} had before the rollback.`,
        facts: { states, prepared: prepared ?? null },
        steps: [
          prepareStep(STEP_IDS.prepare, 'Preview the undo change sets (nothing changes yet)', 'undo', specs),
          executeStep({
            id: STEP_IDS.restore,
            title: 'Restore the previous parameters',
            risk: 'mutating',
            phase: 'undo',
            specs,
            prepared,
            preparedBy: 'Preview the undo change sets',
            explanation: 'Puts back the version and instance counts the stacks had before the rollback.',
          }),
        ],
      });
    },
    steps: undoSteps(deps),
    cleanUp: (_input, ctx) => (deps.cfn ? discardUnexecuted(deps.cfn, ctx.operation.results, ctx.signal) : Promise.resolve(undefined)),
  };
}
