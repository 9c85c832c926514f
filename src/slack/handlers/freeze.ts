import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Admission, FreezeState } from '../../operations/admission';
import { escapeMrkdwn } from '../../util/text';

/** What `/runbook freeze` needs: the shared freeze, and who counts as an approver. */
export interface FreezeDeps {
  admission: Admission;
  /** Throws when it cannot tell (a lookup failed): then nobody may change the freeze. */
  isApprover(userId: string): Promise<boolean>;
  logger: Logger;
}

function describe(state: FreezeState | undefined): string {
  if (!state?.frozen)
    return state
      ? `:unlock: No freeze: lifted by <@${state.by}> at ${state.at.slice(0, 16).replace('T', ' ')} UTC (${escapeMrkdwn(state.reason)}).`
      : ':unlock: No freeze.';
  return `:ice_cube: *Changes are frozen* since ${state.at.slice(0, 16).replace('T', ' ')} UTC by <@${state.by}>: ${escapeMrkdwn(state.reason)}. New mutating operations and approvals are refused; read-only diagnosis still works.`;
}

/** `/runbook freeze [on|off <reason>]`: shows the freeze, or changes it (approvers only, announced in the channel). */
export async function answerFreeze(
  change: { frozen: boolean; reason: string } | undefined,
  userId: string,
  respond: RespondFn,
  deps: FreezeDeps,
): Promise<void> {
  if (!change) {
    await respond({ response_type: 'ephemeral', text: describe(await deps.admission.freezeState()) });
    return;
  }
  let allowed: boolean;
  try {
    allowed = await deps.isApprover(userId);
  } catch (err) {
    await respond({
      response_type: 'ephemeral',
      text: `:warning: Could not check whether you are an approver (${escapeMrkdwn((err as Error).message)}). The freeze was not changed.`,
    });
    return;
  }
  if (!allowed) {
    await respond({ response_type: 'ephemeral', text: ':no_entry: Only approvers may turn the freeze on or off. The freeze was not changed.' });
    return;
  }
  const state = await deps.admission.setFreeze(change.frozen, change.reason, userId);
  deps.logger.info({ user: userId, frozen: change.frozen, reason: change.reason }, 'freeze changed');
  // In the channel, not ephemeral: everyone should know that changes are (no longer) refused, and by whom.
  await respond({ response_type: 'in_channel', text: describe(state) });
}
