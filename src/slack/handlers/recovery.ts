import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEngine } from '../../operations/engine';
import { CHECK_STATE_ACTION, RUN_AGAIN_ACTION } from '../blocks/operation-message';
import { onClick, tellClicker } from './click';
import { OperationValue } from './click-values';
import { explainState } from './state-words';

/** Registers the buttons offered after an interruption: Check state (read-only) and Run again (the clicker becomes a requester; fresh approval). */
export function registerRecoveryButtons(app: App, deps: { engine: OperationEngine; logger: Logger }): void {
  const check = { id: CHECK_STATE_ACTION, value: OperationValue, invalid: 'This button is not valid. Nothing was checked.', operationOf: (v: string) => v };
  onClick(app, deps.logger, check, async (args, click, log) => {
    const outcome = await deps.engine.checkState({ operationId: click.value, userId: click.user, from: click.from });
    log.info({ outcome: outcome.kind }, 'check state click');
    if (outcome.kind === 'not_found') return tellClicker(args, ':warning: I do not know this operation.');
    if (outcome.kind === 'refused') return tellClicker(args, `:no_entry: ${outcome.reason} Nothing was checked.`);
    if (outcome.kind === 'not_interrupted') return tellClicker(args, explainState(outcome.op));
  });

  const runAgain = { id: RUN_AGAIN_ACTION, value: OperationValue, invalid: 'This button is not valid. Nothing was run.', operationOf: (v: string) => v };
  onClick(app, deps.logger, runAgain, async (args, click, log) => {
    const outcome = await deps.engine.runAgain({ operationId: click.value, userId: click.user, from: click.from });
    log.info({ outcome: outcome.kind }, 'run again click');
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
