import type { GoCdActions } from '../../actions/gocd/gocd-actions';
import type { RunbookRegistry, StepOutcome, StepRunContext } from '../../operations/runbook';
import { escapeMrkdwn } from '../../util/text';
import type { DagaoInput } from './input';
import { ladderLine, ladderState, rungsOf } from './ladder';

/** The `check-N` rung: whether retry N recovered the dagão, and which rung comes next if not. */
export function checkRetry(retry: 'retry-1' | 'retry-2', input: DagaoInput, ctx: StepRunContext): StepOutcome {
  const results = ctx.operation.results;
  const state = ladderState(input, results);
  const retried = [...results].reverse().find((r) => r.stepId === retry);
  const rungs = rungsOf(input, state);
  const ladder = {
    label: 'Ladder',
    value: ladderLine(rungs, results)
      .replace(/:[a-z_]+: ?/g, '')
      .replace(/\*/g, ''),
  };
  if (retried?.externalIds.dagRunState === 'success') {
    return { ok: true, summary: `The dagão recovered: run ${retried.externalIds.dagRunId} succeeded. The ladder ends here.`, details: [ladder] };
  }
  const next = rungs[rungs.findIndex((r) => r === ctx.step.id) + 1];
  return {
    ok: true,
    summary: `The retry did not recover the dagão. Next rung: ${next === 'scale' ? `scale the cluster to ${input.nodes} nodes` : next === 'rollback' ? 'roll back to a version that worked' : 'none'}.`,
    details: [ladder],
  };
}

/** What the rollback rung needs: the registry to hand over to, and GoCD for the manual route's link. */
export interface RollbackRungDeps {
  gocd?: GoCdActions;
  pipelines: string[];
  runbooks: () => RunbookRegistry;
}

/** The last rung: proposes the rollback runbook for the suspect deploy as a follow-up, or explains the manual rollback. */
export function rollbackRung(deps: RollbackRungDeps, suspect: string | null, input: DagaoInput, ctx: StepRunContext): StepOutcome {
  const { tx } = ladderState(input, ctx.operation.results);
  const retryLine = `then retry the dagão with \`/runbook dagao retry${tx ? ` --tx ${tx}` : ''}\``;
  const pipeline = suspect?.split('#')[0];
  const registered = deps.runbooks().get('rollback');
  if (registered && suspect && pipeline) {
    const parsed = registered.parse([pipeline]);
    if (parsed.ok) {
      return {
        ok: true,
        summary: `Handing over to the rollback runbook for ${pipeline} (${suspect}, the newest deploy before the failure); ${retryLine}.`,
        followUp: {
          runbook: 'rollback',
          input: parsed.value,
          why: `The dagão still fails: roll back ${escapeMrkdwn(pipeline)} (deploy ${escapeMrkdwn(suspect)}, the newest before the failure), ${retryLine}.`,
        },
      };
    }
  }
  const where = pipeline
    ? `${pipeline} (deploy ${suspect}, the newest before the failure${deps.gocd ? `; history: ${deps.gocd.historyPageUrl(pipeline)}` : ''})`
    : `the service deployed before the failure (no deploy of ${deps.pipelines.join(', ')} was found in the 24 h before it)`;
  return {
    ok: true,
    summary: `Roll back by hand: ${where}, to the last version built before the failure (runbook "Hot-deploying rollbacks"); ${retryLine}.`,
    details: [
      {
        label: 'Why by hand',
        value: registered ? 'no deploy before the failure was found to roll back' : 'the rollback runbook is not available in this version of the bot',
      },
    ],
  };
}
