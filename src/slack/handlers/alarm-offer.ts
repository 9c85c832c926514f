import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { ALARM_OFFER_ACTION, OfferValue } from '../../alarms/offers';
import type { OperationEngine } from '../../operations/engine';
import { UserFacingError, type RunbookRegistry } from '../../operations/runbook';
import type { OperationStore } from '../../store/store';
import { escapeMrkdwn } from '../../util/text';
import { firstDelivery } from '../delivery-keys';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

// One operation per offer, whoever clicks and however often (kept longer than any alarm thread is read).
const OFFER_KEY_RETENTION_MS = 7 * 24 * 3_600_000;

async function tell(args: ButtonArgs, channel: string | undefined, text: string): Promise<void> {
  if (channel) await args.client.chat.postEphemeral({ channel, user: args.body.user.id, text });
  else await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * The "Start <runbook>" button the alarm listener offers in an alarm's thread (e.g. build-failure on a
 * dagão failure): proposes that runbook, with the offered input validated again, in the same thread, the
 * clicker as requester. The first click starts it; later clicks are told it already started.
 */
export function registerAlarmOfferButton(app: App, deps: { engine: OperationEngine; store: OperationStore; runbooks: RunbookRegistry; logger: Logger }): void {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: ALARM_OFFER_ACTION }, async (args) => {
    await args.ack();
    const userId = args.body.user.id;
    const container = args.body.container as { channel_id?: string; message_ts?: string } | undefined;
    const channel = args.body.channel?.id ?? container?.channel_id;
    const messageTs = (args.body.message as { ts?: string } | undefined)?.ts ?? container?.message_ts;
    const log = deps.logger.child({ requestId: args.body.trigger_id, user: userId, action: ALARM_OFFER_ACTION });
    try {
      if (!(await firstDelivery(args.context))) return; // a retry of a click already handled, after the ack
      const value = OfferValue.safeParse(args.action.value);
      const offer = value.success ? value.data : undefined;
      const runbook = offer ? deps.runbooks.get(offer.r) : undefined;
      const input = offer && runbook?.offerForAlarm ? runbook.inputSchema.safeParse(offer.i) : undefined;
      if (!offer || !runbook || !input?.success || !channel || !messageTs) return await tell(args, channel, ':warning: This button is not valid. Nothing was started.');
      if (!(await deps.store.remember(`alarm-offer:${channel}:${messageTs}`, OFFER_KEY_RETENTION_MS))) {
        return await tell(args, channel, `:information_source: *${escapeMrkdwn(runbook.title)}* was already started from this button: see this thread.`);
      }
      const thread = offer.t;
      try {
        const op = await deps.engine.propose({ runbook: runbook.name, input: input.data, requester: userId, location: { channel, threadTs: thread } });
        log.info({ operationId: op.id, runbook: runbook.name }, 'offered runbook started from an alarm thread');
        const text = `:arrow_forward: <@${userId}> started *${escapeMrkdwn(runbook.title)}* (\`${op.id}\`); the plan is in this thread.`;
        await args.client.chat.update({ channel, ts: messageTs, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }).catch((err: unknown) => log.warn({ err }, 'could not update the offer'));
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        await tell(args, channel, `:warning: ${err.message}`);
      }
    } catch (err) {
      const ref = randomUUID().slice(0, 8);
      log.error({ err, ref }, 'alarm offer button failed');
      await tell(args, channel, `:x: Something went wrong on my side (reference \`${ref}\`).`).catch(() => undefined);
    }
  });
}
