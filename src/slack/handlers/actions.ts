import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { APPROVE_ACTION, CANCEL_ACTION } from '../blocks/operation-message';
import { onClick, tellClicker } from './click';
import { explainState } from './state-words';

const ApproveValue = z
  .string()
  .max(200)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(/^[\w.-]{1,64}$/), z.string().regex(/^[0-9a-f]{16}$/)]));
const CancelValue = z.string().regex(OPERATION_ID_PATTERN);

/** Registers the Approve and Cancel buttons of operation messages; the engine's approval gate decides. */
export function registerOperationButtons(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  onClick(app, deps.logger, APPROVE_ACTION, async (args, click, log) => {
    const value = ApproveValue.safeParse(click.value);
    if (!value.success) {
      log.warn('approve button with a malformed value');
      return tellClicker(args, ':warning: This button is not valid. Nothing was approved.');
    }
    const [operationId, stepId, fingerprint] = value.data;
    const outcome = await deps.engine.approve({ operationId, stepId, fingerprint, userId: click.user, from: click.from });
    log.child({ operationId }).info({ outcome: outcome.kind }, 'approval click');
    switch (outcome.kind) {
      case 'approved':
        if (outcome.remaining > 0) await tellClicker(args, `:white_check_mark: Your approval of \`${operationId}\` is recorded. It needs ${outcome.remaining} more approver${outcome.remaining === 1 ? '' : 's'}.`);
        return;
      case 'refused':
        return tellClicker(args, `:no_entry: ${outcome.reason} Nothing was run.`);
      case 'stale':
        return tellClicker(args, ':twisted_rightwards_arrows: This button belongs to an older preview of the plan. Nothing was approved: review the current message and use its buttons.');
      case 'expired':
      case 'not_pending':
        return tellClicker(args, explainState(outcome.op));
      case 'not_found':
        return tellClicker(args, ':warning: I do not know this operation. Nothing was approved.');
    }
  });

  onClick(app, deps.logger, CANCEL_ACTION, async (args, click, log) => {
    const value = CancelValue.safeParse(click.value);
    if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was cancelled.');
    const outcome = await deps.engine.cancel({ operationId: value.data, userId: click.user, from: click.from });
    log.child({ operationId: value.data }).info({ outcome: outcome.kind }, 'cancel click');
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
