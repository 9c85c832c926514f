import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockStaticSelectAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { UserFacingError } from '../../operations/runbook';
import { PICK_BUILD_ACTION } from '../../runbooks/rollback';
import { RollbackInput, SHA } from '../../runbooks/rollback/input';
import type { OperationStore } from '../../store/store';
import { firstDelivery } from '../delivery-keys';
import { explainState } from './state-words';

const PickValue = z
  .string()
  .max(150)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(SHA)]));

type SelectArgs = SlackActionMiddlewareArgs<BlockStaticSelectAction> & AllMiddlewareArgs;

async function tell(args: SelectArgs, text: string): Promise<void> {
  const channel = args.body.channel?.id ?? (args.body.container as { channel_id?: string } | undefined)?.channel_id;
  if (channel) await args.client.chat.postEphemeral({ channel, user: args.body.user.id, text });
}

/**
 * The "roll back to another build" menu of a rollback plan: proposes a fresh rollback with that `--to` in
 * the same thread, after cancelling the old one, so every approval stays bound to what was previewed.
 */
export function registerRollbackPicker(app: App, deps: { engine: OperationEngine; store: OperationStore; logger: Logger }): void {
  app.action<BlockStaticSelectAction>({ type: 'block_actions', action_id: PICK_BUILD_ACTION }, async (args) => {
    await args.ack();
    const userId = args.body.user.id;
    const log = deps.logger.child({ requestId: args.body.trigger_id, user: userId, action: 'pick_build' });
    try {
      if (!(await firstDelivery(args.context))) return; // a retry of a pick already handled, after the ack
      const value = PickValue.safeParse(args.action.selected_option?.value);
      if (!value.success) return await tell(args, ':warning: This menu entry is not valid. Nothing was changed.');
      const [operationId, sha] = value.data;
      const op = await deps.store.get(operationId);
      const input = op?.runbook === 'rollback' ? RollbackInput.safeParse(op.input) : undefined;
      if (!op || !input?.success) return await tell(args, ':warning: I do not know this rollback. Nothing was changed.');
      if (op.state !== 'awaiting_approval') return await tell(args, `${explainState(op)} The build can no longer be changed; start a new \`/runbook rollback\` if needed.`);
      const cancelled = await deps.engine.cancel({ operationId, userId });
      if (cancelled.kind === 'refused') return await tell(args, `:no_entry: ${cancelled.reason} Nothing was changed.`);
      if (cancelled.kind !== 'cancelled') return await tell(args, cancelled.kind === 'not_found' ? ':warning: I do not know this rollback.' : `${explainState(cancelled.op)} The build can no longer be changed.`);
      const location = { channel: op.location.channel, threadTs: op.location.threadTs ?? op.location.messageTs };
      try {
        const next = await deps.engine.propose({ runbook: 'rollback', input: { ...input.data, to: sha }, requester: userId, location });
        log.info({ operationId, next: next.id, sha }, 'another build picked; new rollback proposed');
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        await tell(args, `:warning: \`${operationId}\` was cancelled, but a rollback to \`${sha.slice(0, 7)}\` cannot be planned: ${err.message}`);
      }
    } catch (err) {
      const ref = randomUUID().slice(0, 8);
      log.error({ err, ref }, 'build picker failed');
      await tell(args, `:x: Something went wrong on my side (reference \`${ref}\`).`).catch(() => undefined);
    }
  });
}
