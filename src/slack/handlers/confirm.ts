import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEngine } from '../../operations/engine';
import { CONFIRM_ACTION } from '../blocks/operation-message';
import { onClick, tellClicker } from './click';
import { StepValue } from './click-values';
import { explainState } from './state-words';

/**
 * The answer button of a confirmation step (e.g. "Not business critical"). It is the step's approval:
 * bound to the step's fingerprint like Approve, so it counts only for the question it was shown with,
 * passes the same approval gate (never a requester, only from the operation's channel), expires, and is
 * recorded in the audit trail as `approved`.
 */
export function registerConfirmButton(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  const confirm = {
    id: CONFIRM_ACTION,
    value: StepValue,
    invalid: 'This button is not valid. Nothing was confirmed.',
    operationOf: (v: { operationId: string }) => v.operationId,
  };
  onClick(app, deps.logger, confirm, async (args, click, log) => {
    const outcome = await deps.engine.approve({ ...click.value, userId: click.user, from: click.from });
    log.info({ outcome: outcome.kind, stepId: click.value.stepId }, 'confirmation click');
    switch (outcome.kind) {
      case 'approved':
        return;
      case 'refused':
        return tellClicker(args, `:no_entry: ${outcome.reason} Your answer was not recorded.`);
      case 'stale':
        return tellClicker(
          args,
          ':twisted_rightwards_arrows: This button belongs to an older version of the question. Nothing was recorded: use the buttons of the current message.',
        );
      case 'expired':
      case 'not_pending':
        return tellClicker(args, explainState(outcome.op));
      case 'not_found':
        return tellClicker(args, ':warning: I do not know this operation. Nothing was recorded.');
    }
  });
}
