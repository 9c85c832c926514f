import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { APPROVE_ACTION, CANCEL_ACTION } from '../blocks/operation-message';
import { firstDelivery } from '../delivery-keys';
import { explainState } from './state-words';

const ApproveValue = z
  .string()
  .max(200)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(/^[\w.-]{1,64}$/), z.string().regex(/^[0-9a-f]{16}$/)]));
const CancelValue = z.string().regex(OPERATION_ID_PATTERN);

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Tells only the clicker: an ephemeral message where the button was, or via response_url. */
export async function tellClicker(args: ButtonArgs, text: string): Promise<void> {
  const container = args.body.container as { channel_id?: string } | undefined;
  const channel = args.body.channel?.id ?? container?.channel_id;
  if (channel) {
    await args.client.chat.postEphemeral({ channel, user: args.body.user.id, text });
  } else {
    await args.respond({ response_type: 'ephemeral', replace_original: false, text });
  }
}

/** Wraps a button handler: ack first, one child logger per click, and a clear message instead of a silent failure. */
export function buttonGuard(logger: Logger) {
  return (name: string, fn: (args: ButtonArgs, log: Logger) => Promise<void>) => async (args: ButtonArgs) => {
    await args.ack();
    const log = logger.child({ requestId: args.body.trigger_id, user: args.body.user.id, action: name });
    try {
      // After the ack: a retried delivery of a click already handled is dropped.
      if (await firstDelivery(args.context)) await fn(args, log);
    } catch (err) {
      const ref = randomUUID().slice(0, 8);
      log.error({ err, ref }, 'button handler failed');
      await tellClicker(args, `:x: Something went wrong on my side (reference \`${ref}\`).`).catch(() => undefined);
    }
  };
}

/** Registers the Approve and Cancel buttons of operation messages. */
export function registerOperationButtons(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  const guard = buttonGuard(deps.logger);

  app.action<BlockButtonAction>(
    { type: 'block_actions', action_id: APPROVE_ACTION },
    guard('approve', async (args, log) => {
      const value = ApproveValue.safeParse(args.action.value);
      if (!value.success) {
        log.warn('approve button with a malformed value');
        return tellClicker(args, ':warning: This button is not valid. Nothing was approved.');
      }
      const [operationId, stepId, fingerprint] = value.data;
      const opLog = log.child({ operationId });
      const outcome = await deps.engine.approve({ operationId, stepId, fingerprint, userId: args.body.user.id });
      opLog.info({ outcome: outcome.kind }, 'approval click');
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
    }),
  );

  app.action<BlockButtonAction>(
    { type: 'block_actions', action_id: CANCEL_ACTION },
    guard('cancel', async (args, log) => {
      const value = CancelValue.safeParse(args.action.value);
      if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was cancelled.');
      const outcome = await deps.engine.cancel({ operationId: value.data, userId: args.body.user.id });
      log.child({ operationId: value.data }).info({ outcome: outcome.kind }, 'cancel click');
      switch (outcome.kind) {
        case 'cancelled':
          return;
        case 'refused':
          return tellClicker(args, `:no_entry: ${outcome.reason}`);
        case 'not_pending':
          return tellClicker(args, explainState(outcome.op));
        case 'not_found':
          return tellClicker(args, ':warning: I do not know this operation.');
      }
    }),
  );
}
