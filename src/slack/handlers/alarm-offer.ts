import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { ALARM_OFFER_ACTION, OfferValue } from '../../alarms/offers';
import { checkApproval } from '../../operations/approval-gate';
import type { OperationEngine } from '../../operations/engine';
import type { ApprovalPolicy } from '../../operations/policy';
import { UserFacingError, type RunbookRegistry } from '../../operations/runbook';
import type { OperationStore } from '../../store/store';
import { escapeMrkdwn } from '../../util/text';
import { onClick, tellClicker } from './click';

// One operation per offer, whoever clicks and however often (kept longer than any alarm thread is read).
const OFFER_KEY_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * The "Start <runbook>" button the alarm listener offers in an alarm's thread (e.g. build-failure on a
 * dagão failure): proposes that runbook, with the offered input validated again, in the same thread, the
 * clicker as requester. The click passes the approval gate (only from the offer's channel and
 * workspace); the first click starts it, later clicks are told it already started.
 */
export function registerAlarmOfferButton(
  app: App,
  deps: { engine: OperationEngine; store: OperationStore; runbooks: RunbookRegistry; policy: ApprovalPolicy; logger: Logger },
): void {
  onClick(
    app,
    deps.logger,
    { id: ALARM_OFFER_ACTION, value: OfferValue, invalid: 'This button is not valid. Nothing was started.' },
    async (args, click, log) => {
      const offer = click.value;
      const runbook = deps.runbooks.get(offer.r);
      const input = runbook?.offerForAlarm ? runbook.inputSchema.safeParse(offer.i) : undefined;
      const channel = click.from.channel;
      if (!runbook || !input?.success || !channel || !click.messageTs) return tellClicker(args, ':warning: This button is not valid. Nothing was started.');
      const decision = await checkApproval(deps.policy, { role: 'propose', home: { channel: offer.c, team: offer.w }, user: click.user, from: click.from });
      if (!decision.allowed) {
        log.info({ code: decision.code }, 'alarm offer click refused');
        return tellClicker(args, `:no_entry: ${decision.reason} Nothing was started.`);
      }
      if (!(await deps.store.remember(`alarm-offer:${channel}:${click.messageTs}`, OFFER_KEY_RETENTION_MS))) {
        return tellClicker(args, `:information_source: *${escapeMrkdwn(runbook.title)}* was already started from this button: see this thread.`);
      }
      try {
        const op = await deps.engine.propose({
          runbook: runbook.name,
          input: input.data,
          requester: click.user,
          location: { channel, team: offer.w ?? click.from.team, threadTs: offer.t },
        });
        log.info({ operationId: op.id, runbook: runbook.name }, 'offered runbook started from an alarm thread');
        const text = `:arrow_forward: <@${click.user}> started *${escapeMrkdwn(runbook.title)}* (\`${op.id}\`); the plan is in this thread.`;
        await args.client.chat
          .update({ channel, ts: click.messageTs, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })
          .catch((err: unknown) => log.warn({ err }, 'could not update the offer'));
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        await tellClicker(args, `:warning: ${err.message}`);
      }
    },
  );
}
