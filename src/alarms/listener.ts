import { randomUUID } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEngine } from '../operations/engine';
import { UserFacingError, type RunbookRegistry } from '../operations/runbook';
import type { Operation } from '../operations/types';
import { ACTIVE_STATES, type OperationStore } from '../store/store';
import { escapeMrkdwn } from '../util/text';
import { Coalescer } from './coalescer';
import type { ChannelMessage } from './message';
import { parseAlarmMessage } from './parse';
import type { Alarm } from './types';
import { describeAlarm } from './describe';
import { alarmOffers } from './offers';

export interface AlarmListenerDeps {
  engine: OperationEngine;
  store: OperationStore;
  runbooks: RunbookRegistry;
  client: webApi.WebClient;
  logger: Logger;
  /** RUNBOOK_CHANNEL: a channel id (C…) or a name, resolved with conversations.info. */
  channel: string;
  /** The bot's own identity: its posts are never alarms. */
  self: { userId?: string; botId?: string };
  /** Diagnoses of different alarms running at once (default 8). */
  concurrency?: number;
  /**
   * After its operation ended without changing anything (only read-only steps ran), repeats of an alarm
   * are still counted into it for this long instead of starting a new diagnosis (default 15 min): a
   * diagnosis that found nothing ends at once, and a storm must not restart it every few seconds.
   */
  repeatWindowMs?: number;
  /** Smallest gap between two counter edits of one alarm (default 1.5 s; Slack limits chat.update to about 50 a minute). */
  counterEveryMs?: number;
}

/** A message event as the listener needs it. */
export type IncomingMessage = ChannelMessage & { user?: string; botId?: string; subtype?: string };

// Subtypes that are edits, joins, deletions…: never a new alarm.
const ALARM_SUBTYPES = new Set([undefined, 'bot_message', 'file_share']);

/** Reads channel posts, recognises alarms, proposes the runbook that claims them, and coalesces repeats. */
export class AlarmListener {
  private readonly coalescer: Coalescer<Alarm>;
  /** The reply in each operation's thread that counts repeats (edited in place). */
  private readonly counters = new Map<string, { ts?: string; repeats: number; text: string }>();
  private readonly channelNames = new Map<string, Promise<string | undefined>>();
  /** The last operation proposed for each alarm key, and when. */
  private readonly recent = new Map<string, { operationId: string; at: number }>();

  constructor(private readonly deps: AlarmListenerDeps) {
    this.coalescer = new Coalescer<Alarm>(
      (key, batch) => this.handleBatch(key, batch),
      (err, key) => deps.logger.error({ err, alarmKey: key }, 'handling an alarm failed'),
      deps.concurrency ?? 8,
      deps.counterEveryMs ?? 1500,
    );
  }

  /** Looks at one channel message; returns at once (the work is queued). True when it was an alarm. */
  async accept(message: IncomingMessage): Promise<boolean> {
    const { self } = this.deps;
    if (!ALARM_SUBTYPES.has(message.subtype)) return false;
    if ((self.botId && message.botId === self.botId) || (self.userId && message.user === self.userId)) return false;
    if (!(await this.isWatched(message.channel))) return false;
    const alarm = parseAlarmMessage(message);
    if (!alarm) return false;
    this.deps.logger.info({ alarmKey: alarm.key, state: alarm.state, ts: alarm.source.ts }, 'alarm recognised');
    this.coalescer.push(alarm.key, alarm);
    return true;
  }

  /** Resolves when every accepted alarm has been handled. */
  idle(): Promise<void> {
    return this.coalescer.idle();
  }

  private async isWatched(channel: string): Promise<boolean> {
    const want = this.deps.channel;
    if (/^[CG][A-Z0-9]{2,}$/.test(want)) return channel === want;
    let name = this.channelNames.get(channel);
    if (!name) {
      name = this.deps.client.conversations
        .info({ channel })
        .then((res) => res.channel?.name)
        .catch((err: unknown) => {
          this.deps.logger.warn({ err, channel }, 'could not look up the channel name (channels:read scope?)');
          this.channelNames.delete(channel);
          return undefined;
        });
      this.channelNames.set(channel, name);
    }
    return (await name) === want;
  }

  /** The first alarm of a batch may start a diagnosis; the rest (and repeats of an open one) are counted. */
  private async handleBatch(key: string, batch: Alarm[]): Promise<void> {
    let rest = batch;
    let active = await this.openOrRecent(key);
    if (!active) {
      const first = rest.findIndex((a) => a.state === 'ALARM');
      if (first < 0) return; // OK or INSUFFICIENT_DATA with nothing open: nothing to say
      await this.propose(rest[first]!);
      rest = rest.slice(first + 1);
      active = await this.openOrRecent(key);
    }
    if (!active || rest.length === 0) return;
    const repeats = rest.filter((a) => a.state === 'ALARM');
    const ok = rest.filter((a) => a.state === 'OK').at(-1);
    const thread = active.location.threadTs ?? active.location.messageTs;
    if (!thread) return;
    await this.deps.store.appendAudit(active.id, [
      { actor: 'system', type: 'message_posted', detail: { alarm: key, repeats: repeats.length, ok: ok !== undefined, posts: rest.slice(0, 50).map((a) => a.source.ts) } },
    ]);
    if (repeats.length > 0) await this.count(active.id, active.location.channel, thread, repeats);
    if (ok) {
      const open = ACTIVE_STATES.includes(active.state) ? ` Operation \`${active.id}\` is still open: cancel it if nothing needs doing.` : '';
      await this.post(active.location.channel, thread, `:large_green_circle: The alarm is back to *OK* (posted <!date^${Math.floor(Number(ok.source.ts))}^{time}|just now>).${open}`);
    }
  }

  /** The open operation for `key`, or the one proposed for it within the repeat window. */
  private async openOrRecent(key: string): Promise<Operation | undefined> {
    const open = await this.deps.store.findActiveByKey(key);
    if (open) return open;
    const recent = this.recent.get(key);
    if (!recent || Date.now() - recent.at > (this.deps.repeatWindowMs ?? 15 * 60_000)) return undefined;
    const op = await this.deps.store.get(recent.operationId);
    // Only a diagnosis that changed nothing is repeated as is; after a change, a new alarm deserves a new look.
    const changedSomething = op?.results.some((r) => op.plan.steps.find((s) => s.id === r.stepId)?.risk !== 'read-only');
    return changedSomething ? undefined : op;
  }

  private async propose(alarm: Alarm): Promise<void> {
    const claim = [...this.deps.runbooks.values()].map((r) => ({ runbook: r, input: r.fromAlarm?.(alarm) as unknown })).find((c) => c.input !== undefined);
    const log = this.deps.logger.child({ alarmKey: alarm.key });
    if (!claim) {
      log.info('no runbook claims this alarm');
      return;
    }
    const channel = alarm.source.channel;
    const thread = alarm.source.threadTs ?? alarm.source.ts;
    const intro = `:mag: Recognised ${describeAlarm(alarm)}. Running the read-only diagnosis of *${escapeMrkdwn(claim.runbook.title)}*; the plan follows in this thread.`;
    const ts = await this.post(channel, thread, intro);
    try {
      const op = await this.deps.engine.propose({
        runbook: claim.runbook.name,
        input: claim.input,
        requester: this.deps.self.userId ?? 'runbook-bot',
        location: { channel, threadTs: thread },
        correlationKey: alarm.key,
      });
      this.counters.set(op.id, { ts, repeats: 0, text: intro });
      if (this.counters.size > 5000) this.counters.delete(this.counters.keys().next().value!);
      this.recent.set(alarm.key, { operationId: op.id, at: Date.now() });
      // Bounded memory: forget the oldest alarm keys.
      if (this.recent.size > 5000) this.recent.delete(this.recent.keys().next().value!);
      log.info({ operationId: op.id, runbook: op.runbook }, 'operation proposed for an alarm');
      await this.offer(alarm, claim.runbook.name, channel, thread);
    } catch (err) {
      const ref = randomUUID().slice(0, 8);
      const text = err instanceof UserFacingError ? `:warning: ${err.message}` : `:x: Something went wrong on my side while diagnosing this alarm (reference \`${ref}\`). Nothing was changed.`;
      if (!(err instanceof UserFacingError)) log.error({ err, ref }, 'proposing for an alarm failed');
      await this.post(channel, thread, text);
    }
  }

  /** Other runbooks that may apply (e.g. build-failure for a dagão task failure) get a button, not an operation. */
  private async offer(alarm: Alarm, claimedBy: string, channel: string, thread: string): Promise<void> {
    for (const offer of alarmOffers(alarm, this.deps.runbooks, claimedBy, thread)) {
      await this.deps.client.chat.postMessage({ channel, thread_ts: thread, text: offer.text, blocks: offer.blocks as never, unfurl_links: false }).catch((err: unknown) => {
        this.deps.logger.warn({ err, runbook: offer.runbook }, 'could not offer a runbook in the alarm thread');
      });
    }
  }

  private async count(operationId: string, channel: string, thread: string, repeats: Alarm[]): Promise<void> {
    const counter = this.counters.get(operationId) ?? { repeats: 0, text: '' };
    counter.repeats += repeats.length;
    this.counters.set(operationId, counter);
    const lastAlarm = repeats.at(-1)!;
    const last = Math.floor(Number(lastAlarm.source.ts));
    // Airflow failures are keyed per run: the repeat may be another task of the same run, so name it.
    const task = lastAlarm.kind === 'airflow-task-failure' && lastAlarm.taskId ? `, task \`${escapeMrkdwn(lastAlarm.taskId)}\`` : '';
    const line = `:repeat: Fired again *${counter.repeats} time${counter.repeats === 1 ? '' : 's'}* since this diagnosis (last <!date^${last}^{time}|just now>${task}); counted into operation \`${operationId}\` instead of a new diagnosis.`;
    const text = counter.text ? `${counter.text}\n${line}` : line;
    if (counter.ts) {
      const updated = await this.deps.client.chat.update({ channel, ts: counter.ts, text }).then(
        () => true,
        (err: unknown) => (this.deps.logger.warn({ err }, 'could not update the alarm counter'), false),
      );
      if (updated) return;
    }
    counter.ts = await this.post(channel, thread, line);
    counter.text = '';
  }

  private async post(channel: string, threadTs: string, text: string): Promise<string | undefined> {
    try {
      const res = await this.deps.client.chat.postMessage({ channel, thread_ts: threadTs, text, unfurl_links: false });
      return res.ts;
    } catch (err) {
      this.deps.logger.warn({ err, channel }, 'could not reply in the alarm thread');
      return undefined;
    }
  }
}
