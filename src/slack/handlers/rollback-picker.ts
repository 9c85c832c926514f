import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { UserFacingError } from '../../operations/runbook';
import { PICK_BUILD_ACTION } from '../../runbooks/rollback';
import { RollbackInput, SHA } from '../../runbooks/rollback/input';
import type { OperationStore } from '../../store/store';
import { onClick, tellClicker } from './click';
import { explainState } from './state-words';

const PickValue = z
  .string()
  .max(150)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(SHA)]));

/**
 * The "roll back to another build" menu of a rollback plan: proposes a fresh rollback with that `--to` in
 * the same thread, after cancelling the old one (through the approval gate, as the Cancel button), so
 * every approval stays bound to what was previewed.
 */
export function registerRollbackPicker(app: App, deps: { engine: OperationEngine; store: OperationStore; logger: Logger }): void {
  onClick(app, deps.logger, PICK_BUILD_ACTION, async (args, click, log) => {
    const value = PickValue.safeParse(click.value);
    if (!value.success) return tellClicker(args, ':warning: This menu entry is not valid. Nothing was changed.');
    const [operationId, sha] = value.data;
    const op = await deps.store.get(operationId);
    const input = op?.runbook === 'rollback' ? RollbackInput.safeParse(op.input) : undefined;
    if (!op || !input?.success) return tellClicker(args, ':warning: I do not know this rollback. Nothing was changed.');
    if (op.state !== 'awaiting_approval') return tellClicker(args, `${explainState(op)} The build can no longer be changed; start a new \`/runbook rollback\` if needed.`);
    const cancelled = await deps.engine.cancel({ operationId, userId: click.user, from: click.from });
    if (cancelled.kind === 'refused') return tellClicker(args, `:no_entry: ${cancelled.reason} Nothing was changed.`);
    if (cancelled.kind !== 'cancelled') return tellClicker(args, cancelled.kind === 'not_found' ? ':warning: I do not know this rollback.' : `${explainState(cancelled.op)} The build can no longer be changed.`);
    const location = { channel: op.location.channel, team: op.location.team, threadTs: op.location.threadTs ?? op.location.messageTs };
    try {
      const next = await deps.engine.propose({ runbook: 'rollback', input: { ...input.data, to: sha }, requester: click.user, location });
      log.info({ operationId, next: next.id, sha }, 'another build picked; new rollback proposed');
    } catch (err) {
      if (!(err instanceof UserFacingError)) throw err;
      await tellClicker(args, `:warning: \`${operationId}\` was cancelled, but a rollback to \`${sha.slice(0, 7)}\` cannot be planned: ${err.message}`);
    }
  });
}
