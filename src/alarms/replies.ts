// The bot's replies in an alarm's thread, apart from recognising and routing alarms (listener.ts): the
// runbooks offered, the repeat counter kept right across replicas, and a post that never throws.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RunbookRegistry } from '../operations/runbook';
import type { AuditEntry } from '../operations/types';
import type { OperationStore } from '../store/store';
import { escapeMrkdwn } from '../util/text';
import { alarmOffers } from './offers';
import type { Alarm } from './types';

/** Posts and edits the bot's replies in alarm threads. */
export class AlarmReplies {
  constructor(
    private readonly deps: { client: webApi.WebClient; store: OperationStore; logger: Logger; runbooks: RunbookRegistry; self: { teamId?: string } },
  ) {}

  /** Other runbooks that may apply (e.g. build-failure for a dagão task failure) get a button, not an operation. */
  async offer(alarm: Alarm, claimedBy: string, channel: string, thread: string): Promise<void> {
    for (const offer of alarmOffers(alarm, this.deps.runbooks, claimedBy, thread, this.deps.self.teamId)) {
      await this.deps.client.chat
        .postMessage({ channel, thread_ts: thread, text: offer.text, blocks: offer.blocks as never, unfurl_links: false })
        .catch((err: unknown) => {
          this.deps.logger.warn({ err, runbook: offer.runbook }, 'could not offer a runbook in the alarm thread');
        });
    }
  }

  /**
   * Shows how often the alarm fired again, on the reply recorded for the operation. The total comes from the
   * audit trail (every replica appends its repeats there), and the edit is repeated until the total it showed
   * is still the stored one, so concurrent edits by two replicas settle on the right number.
   */
  async count(operationId: string, channel: string, thread: string, repeats: Alarm[]): Promise<void> {
    const lastAlarm = repeats.at(-1)!;
    const last = Math.floor(Number(lastAlarm.source.ts));
    // Airflow failures are keyed per run: the repeat may be another task of the same run, so name it.
    const task = lastAlarm.kind === 'airflow-task-failure' && lastAlarm.taskId ? `, task \`${escapeMrkdwn(lastAlarm.taskId)}\`` : '';
    let shown = -1;
    for (let round = 0; round < 3; round++) {
      const { total, reply } = counterState(await this.deps.store.auditTrail(operationId));
      if (total === shown) return;
      shown = total;
      const line = `:repeat: Fired again *${total} time${total === 1 ? '' : 's'}* since this diagnosis (last <!date^${last}^{time}|just now>${task}); counted into operation \`${operationId}\` instead of a new diagnosis.`;
      const updated =
        reply !== undefined &&
        (await this.deps.client.chat.update({ channel, ts: reply.ts, text: reply.text ? `${reply.text}\n${line}` : line }).then(
          () => true,
          (err: unknown) => (this.deps.logger.warn({ err }, 'could not update the alarm counter'), false),
        ));
      if (!updated) {
        const ts = await this.post(channel, thread, line);
        if (ts) await this.deps.store.appendAudit(operationId, [{ actor: 'system', type: 'message_posted', detail: { counterReply: { ts, text: '' } } }]);
      }
    }
  }

  /** Replies in the thread; undefined (logged) when Slack refused, so a reply never stops the alarm's handling. */
  async post(channel: string, threadTs: string, text: string): Promise<string | undefined> {
    try {
      const res = await this.deps.client.chat.postMessage({ channel, thread_ts: threadTs, text, unfurl_links: false });
      return res.ts;
    } catch (err) {
      this.deps.logger.warn({ err, channel }, 'could not reply in the alarm thread');
      return undefined;
    }
  }
}

/** The repeats counted into an operation so far, and the reply that shows them (the newest recorded). */
function counterState(audit: AuditEntry[]): { total: number; reply?: { ts: string; text: string } } {
  let total = 0;
  let reply: { ts: string; text: string } | undefined;
  for (const entry of audit) {
    if (entry.type !== 'message_posted') continue;
    const { repeats, counterReply } = entry.detail as { repeats?: unknown; counterReply?: { ts?: unknown; text?: unknown } };
    if (typeof repeats === 'number') total += repeats;
    if (typeof counterReply?.ts === 'string' && typeof counterReply.text === 'string') reply = { ts: counterReply.ts, text: counterReply.text };
  }
  return { total, reply };
}
