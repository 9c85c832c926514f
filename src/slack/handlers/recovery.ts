import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { CHECK_STATE_ACTION, RUN_AGAIN_ACTION } from '../blocks/operation-message';
import { buttonGuard, tellClicker } from './actions';
import { explainState } from './state-words';

const OperationValue = z.string().regex(OPERATION_ID_PATTERN);

/** Registers the buttons offered after an interruption: Check state (read-only) and Run again (fresh approval). */
export function registerRecoveryButtons(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  const guard = buttonGuard(deps.logger);

  app.action<BlockButtonAction>(
    { type: 'block_actions', action_id: CHECK_STATE_ACTION },
    guard('check_state', async (args, log) => {
      const value = OperationValue.safeParse(args.action.value);
      if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was checked.');
      const outcome = await deps.engine.checkState({ operationId: value.data, userId: args.body.user.id });
      log.child({ operationId: value.data }).info({ outcome: outcome.kind }, 'check state click');
      if (outcome.kind === 'not_found') return tellClicker(args, ':warning: I do not know this operation.');
      if (outcome.kind === 'not_interrupted') return tellClicker(args, explainState(outcome.op));
    }),
  );

  app.action<BlockButtonAction>(
    { type: 'block_actions', action_id: RUN_AGAIN_ACTION },
    guard('run_again', async (args, log) => {
      const value = OperationValue.safeParse(args.action.value);
      if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was run.');
      const outcome = await deps.engine.runAgain({ operationId: value.data, userId: args.body.user.id });
      log.child({ operationId: value.data }).info({ outcome: outcome.kind }, 'run again click');
      switch (outcome.kind) {
        case 'rerun_requested':
          return;
        case 'refused':
          return tellClicker(args, `:no_entry: ${outcome.reason} Nothing was run.`);
        case 'not_interrupted':
          return tellClicker(args, explainState(outcome.op));
        case 'not_found':
          return tellClicker(args, ':warning: I do not know this operation.');
      }
    }),
  );
}
