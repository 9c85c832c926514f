import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { CHECK_STATE_ACTION, RUN_AGAIN_ACTION } from '../blocks/operation-message';
import { onClick, tellClicker } from './click';
import { explainState } from './state-words';

const OperationValue = z.string().regex(OPERATION_ID_PATTERN);

/** Registers the buttons offered after an interruption: Check state (read-only) and Run again (the clicker becomes a requester; fresh approval). */
export function registerRecoveryButtons(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  onClick(app, deps.logger, CHECK_STATE_ACTION, async (args, click, log) => {
    const value = OperationValue.safeParse(click.value);
    if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was checked.');
    const outcome = await deps.engine.checkState({ operationId: value.data, userId: click.user, from: click.from });
    log.child({ operationId: value.data }).info({ outcome: outcome.kind }, 'check state click');
    if (outcome.kind === 'not_found') return tellClicker(args, ':warning: I do not know this operation.');
    if (outcome.kind === 'refused') return tellClicker(args, `:no_entry: ${outcome.reason} Nothing was checked.`);
    if (outcome.kind === 'not_interrupted') return tellClicker(args, explainState(outcome.op));
  });

  onClick(app, deps.logger, RUN_AGAIN_ACTION, async (args, click, log) => {
    const value = OperationValue.safeParse(click.value);
    if (!value.success) return tellClicker(args, ':warning: This button is not valid. Nothing was run.');
    const outcome = await deps.engine.runAgain({ operationId: value.data, userId: click.user, from: click.from });
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
  });
}
