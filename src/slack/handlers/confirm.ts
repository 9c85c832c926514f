import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { CONFIRM_ACTION } from '../blocks/operation-message';
import { onClick, tellClicker } from './click';
import { explainState } from './state-words';

const ConfirmValue = z
  .string()
  .max(200)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(/^[\w.-]{1,64}$/), z.string().regex(/^[0-9a-f]{16}$/)]));

/**
 * The answer button of a confirmation step (e.g. "Not business critical"). It is the step's approval:
 * bound to the step's fingerprint like Approve, so it counts only for the question it was shown with,
 * passes the same approval gate (never a requester, only from the operation's channel), expires, and is
 * recorded in the audit trail as `approved`.
 */
export function registerConfirmButton(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  onClick(app, deps.logger, CONFIRM_ACTION, async (args, click, log) => {
    const value = ConfirmValue.safeParse(click.value);
    if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was confirmed.');
    const [operationId, stepId, fingerprint] = value.data;
    const outcome = await deps.engine.approve({ operationId, stepId, fingerprint, userId: click.user, from: click.from });
    log.child({ operationId }).info({ outcome: outcome.kind, stepId }, 'confirmation click');
    switch (outcome.kind) {
      case 'approved':
        return;
      case 'refused':
        return tellClicker(args, `:no_entry: ${outcome.reason} Your answer was not recorded.`);
      case 'stale':
        return tellClicker(args, ':twisted_rightwards_arrows: This button belongs to an older version of the question. Nothing was recorded: use the buttons of the current message.');
      case 'expired':
      case 'not_pending':
        return tellClicker(args, explainState(outcome.op));
      case 'not_found':
        return tellClicker(args, ':warning: I do not know this operation. Nothing was recorded.');
    }
  });
}
