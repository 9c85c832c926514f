import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { CONFIRM_ACTION } from '../blocks/operation-message';
import { firstDelivery } from '../delivery-keys';
import { explainState } from './state-words';

const ConfirmValue = z
  .string()
  .max(200)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(/^[\w.-]{1,64}$/), z.string().regex(/^[0-9a-f]{16}$/)]));

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

async function tell(args: ButtonArgs, text: string): Promise<void> {
  const container = args.body.container as { channel_id?: string } | undefined;
  const channel = args.body.channel?.id ?? container?.channel_id;
  if (channel) await args.client.chat.postEphemeral({ channel, user: args.body.user.id, text });
  else await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * The answer button of a confirmation step (e.g. "Not business critical"). It is the step's approval:
 * bound to the step's fingerprint like Approve, so it counts only for the question it was shown with,
 * needs someone other than the requester, expires, and is recorded in the audit trail as `approved`.
 */
export function registerConfirmButton(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: CONFIRM_ACTION }, async (args) => {
    await args.ack();
    const log = deps.logger.child({ requestId: args.body.trigger_id, user: args.body.user.id, action: 'confirm' });
    try {
      if (!(await firstDelivery(args.context))) return; // a retry of a click already handled, after the ack
      const value = ConfirmValue.safeParse(args.action.value);
      if (!value.success) return await tell(args, ':warning: This button is not valid. Nothing was confirmed.');
      const [operationId, stepId, fingerprint] = value.data;
      const outcome = await deps.engine.approve({ operationId, stepId, fingerprint, userId: args.body.user.id });
      log.child({ operationId }).info({ outcome: outcome.kind, stepId }, 'confirmation click');
      switch (outcome.kind) {
        case 'approved':
          return;
        case 'refused':
          return await tell(args, `:no_entry: ${outcome.reason} Your answer was not recorded.`);
        case 'stale':
          return await tell(args, ':twisted_rightwards_arrows: This button belongs to an older version of the question. Nothing was recorded: use the buttons of the current message.');
        case 'expired':
        case 'not_pending':
          return await tell(args, explainState(outcome.op));
        case 'not_found':
          return await tell(args, ':warning: I do not know this operation. Nothing was recorded.');
      }
    } catch (err) {
      log.error({ err }, 'confirm handler failed');
      await tell(args, ':x: Something went wrong on my side. Nothing was recorded.').catch(() => undefined);
    }
  });
}
