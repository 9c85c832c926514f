import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { checkApproval } from '../../operations/approval-gate';
import type { OperationEngine } from '../../operations/engine';
import type { ApprovalPolicy } from '../../operations/policy';
import { UserFacingError, type ParseResult, type PlanMenuHook, type RunbookRegistry } from '../../operations/runbook';
import type { OperationStore } from '../../store/store';
import { escapeMrkdwn } from '../../util/text';
import { onClick, tellClicker } from './click';
import { MenuValue } from './click-values';
import { explainState } from './state-words';

/** What the generic plan menu handler needs. */
export interface PlanMenuDeps {
  engine: OperationEngine;
  store: OperationStore;
  runbooks: RunbookRegistry;
  policy: ApprovalPolicy;
  logger: Logger;
}

/**
 * The select menus under plans awaiting approval (e.g. "roll back to another build"), for every action id
 * a runbook lists in `planMenus`. A pick cancels the operation (through the approval gate, as the Cancel
 * button) and proposes a new one in the same thread with the input the runbook's hook returns, so every
 * approval stays bound to what was previewed. Which runbook answers is read from the operation, never
 * from the action id.
 */
export function registerPlanMenus(app: App, deps: PlanMenuDeps): void {
  const ids = new Set([...deps.runbooks.values()].flatMap((r) => Object.keys(r.planMenus ?? {})));
  for (const actionId of ids) {
    onClick(
      app,
      deps.logger,
      { id: actionId, value: MenuValue, invalid: 'This menu entry is not valid. Nothing was changed.', operationOf: (v) => v.operationId },
      async (args, click, log) => {
        const { operationId, choice } = click.value;
        const op = await deps.store.get(operationId);
        const runbook = op ? deps.runbooks.get(op.runbook) : undefined;
        const hook: PlanMenuHook<unknown> | undefined = runbook?.planMenus?.[actionId];
        const input = hook && runbook ? runbook.inputSchema.safeParse(op?.input) : undefined;
        const step = op?.plan.steps[op.currentStep];
        if (!op || !runbook || !hook || !input?.success || !step)
          return tellClicker(args, ':warning: I do not know this operation or its menu. Nothing was changed.');
        const what = escapeMrkdwn(runbook.title);
        if (op.state !== 'awaiting_approval') return tellClicker(args, `${explainState(op)} The plan can no longer be changed; start a new request if needed.`);
        // The gate first (as Cancel would decide), so the runbook's hook only ever runs for someone allowed.
        const decision = await checkApproval(deps.policy, { role: 'cancel', operation: op, step, user: click.user, from: click.from });
        if (!decision.allowed) return tellClicker(args, `:no_entry: ${decision.reason} Nothing was changed.`);
        const next: ParseResult<unknown> = await hook(choice, { operation: op, input: input.data, logger: log });
        if (!next.ok) return tellClicker(args, `:warning: ${next.error} Nothing was changed.`);
        const cancelled = await deps.engine.cancel({ operationId, userId: click.user, from: click.from });
        if (cancelled.kind === 'refused') return tellClicker(args, `:no_entry: ${cancelled.reason} Nothing was changed.`);
        if (cancelled.kind === 'not_found') return tellClicker(args, ':warning: I do not know this operation. Nothing was changed.');
        if (cancelled.kind !== 'cancelled') return tellClicker(args, `${explainState(cancelled.op)} The plan can no longer be changed.`);
        const location = { channel: op.location.channel, team: op.location.team, threadTs: op.location.threadTs ?? op.location.messageTs };
        try {
          const proposed = await deps.engine.propose({ runbook: op.runbook, input: next.value, requester: click.user, location });
          log.info({ next: proposed.id, choice }, 'plan menu pick: operation replaced by a new proposal');
        } catch (err) {
          if (!(err instanceof UserFacingError)) throw err;
          await tellClicker(args, `:warning: \`${operationId}\` was cancelled, but *${what}* with \`${choice}\` cannot be planned: ${err.message}`);
        }
      },
    );
  }
}
