import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEngine } from '../../operations/engine';
import { APPROVE_ACTION, CANCEL_ACTION } from '../blocks/operation-message';
import { onClick, tellClicker } from './click';
import { OperationValue, StepValue } from './click-values';
import { explainState } from './state-words';

/** Registers the Approve and Cancel buttons of operation messages; the engine's approval gate decides. */
export function registerOperationButtons(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  const approve = {
    id: APPROVE_ACTION,
    value: StepValue,
    invalid: 'This button is not valid. Nothing was approved.',
    operationOf: (v: { operationId: string }) => v.operationId,
  };
  onClick(app, deps.logger, approve, async (args, click, log) => {
    const { operationId } = click.value;
    const outcome = await deps.engine.approve({ ...click.value, userId: click.user, from: click.from });
    log.info({ outcome: outcome.kind }, 'approval click');
    switch (outcome.kind) {
      case 'approved':
        if (outcome.remaining > 0)
          await tellClicker(
            args,
            `:white_check_mark: Your approval of \`${operationId}\` is recorded. It needs ${outcome.remaining} more approver${outcome.remaining === 1 ? '' : 's'}.`,
          );
        return;
      case 'refused':
        return tellClicker(args, `:no_entry: ${outcome.reason} Nothing was run.`);
      case 'stale':
        return tellClicker(
          args,
          ':twisted_rightwards_arrows: This button belongs to an older preview of the plan. Nothing was approved: review the current message and use its buttons.',
        );
      case 'expired':
      case 'not_pending':
        return tellClicker(args, explainState(outcome.op));
      case 'not_found':
        return tellClicker(args, ':warning: I do not know this operation. Nothing was approved.');
    }
  });

  const cancel = { id: CANCEL_ACTION, value: OperationValue, invalid: 'This button is not valid. Nothing was cancelled.', operationOf: (v: string) => v };
  onClick(app, deps.logger, cancel, async (args, click, log) => {
    const outcome = await deps.engine.cancel({ operationId: click.value, userId: click.user, from: click.from });
    log.info({ outcome: outcome.kind }, 'cancel click');
    switch (outcome.kind) {
      case 'cancelled':
        return;
      case 'refused':
        return tellClicker(args, `:no_entry: ${outcome.reason} Nothing was changed.`);
      case 'not_pending':
        return tellClicker(args, explainState(outcome.op));
      case 'not_found':
        return tellClicker(args, ':warning: I do not know this operation.');
    }
  });
}
