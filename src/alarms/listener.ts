import { randomUUID } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEngine } from '../operations/engine';
import { UserFacingError, type RunbookRegistry } from '../operations/runbook';
import type { Operation } from '../operations/types';
import { ACTIVE_STATES, type OperationStore } from '../store/store';
import { pause } from '../util/sleep';
import { escapeMrkdwn } from '../util/text';
import type { AlarmDefinitions, CloudWatchReading } from './alarm-definitions';
import { Coalescer } from './coalescer';
import { WatchedChannel } from './watched-channel';
import { defaultRoutes } from './default-routes';
import type { ChannelMessage } from './message';
import { parseAlarmMessage } from './parse';
import { cloudwatchNote, examineAlarm } from './pipeline';
import { compileRoutes, type CompiledRoute } from './routes';
import type { Alarm } from './types';
import { describeAlarm } from './describe';
import { AlarmReplies } from './replies';
import type { UnroutedAlarms } from './unrouted';

export interface AlarmListenerDeps {
  engine: OperationEngine;
  store: OperationStore;
  runbooks: RunbookRegistry;
  client: webApi.WebClient;
  logger: Logger;
  /** RUNBOOK_CHANNEL: a channel id (C…) or a name, resolved with conversations.info. */
  channel: string;
  /** The bot's own user, bot and workspace ids (auth.test): its posts are not alarms; its operations live in its workspace. */
  self: { userId?: string; botId?: string; teamId?: string };
  /** Diagnoses of different alarms running at once (default 8). */
  concurrency?: number;
  /**
   * After its operation ended without changing anything (only read-only steps ran), repeats of an alarm
   * are still counted into it for this long instead of starting a new diagnosis (default 15 min): a
   * diagnosis that found nothing ends at once, and a storm must not restart it every few seconds.
   */
  repeatWindowMs?: number;
  /**
   * How long one replica's claim on an alarm lasts (default 60 s). Replicas share the store: the first to
   * claim an alarm diagnoses it, the others wait for its operation and count into it. A claim whose
   * diagnosis failed or never came lets the next repeat try again once it expired.
   */
  claimMs?: number;
  /** The clock (the engine's, so repeat windows compare with operations' creation times). */
  now?: () => Date;
  /** Smallest gap between two counter edits of one alarm (default 1.5 s; Slack limits chat.update to about 50 a minute). */
  counterEveryMs?: number;
  /** Routes in order, configured then built-in (default: the built-in ones for a DAG called `dagao`). */
  routes?: CompiledRoute[];
  /** CloudWatch alarm definitions; without them, alarms are routed on what the post says. */
  definitions?: AlarmDefinitions;
  /** Where alarms no route claims are counted and listed. */
  unrouted?: UnroutedAlarms;
}

/** An alarm with the route that claimed it: what the coalescer queues under the target's key. */
export interface RoutedAlarm {
  alarm: Alarm;
  route: string;
  runbook: string;
  input: unknown;
  key: string;
  cloudwatch: CloudWatchReading;
}

/** A message event as the listener needs it. */
export type IncomingMessage = ChannelMessage & { user?: string; botId?: string; subtype?: string };

// Subtypes that are edits, joins, deletions…: never a new alarm.
const ALARM_SUBTYPES = new Set([undefined, 'bot_message', 'file_share']);

/** Reads channel posts, recognises alarms, proposes the runbook that claims them, and coalesces repeats. */
export class AlarmListener {
  private readonly coalescer: Coalescer<RoutedAlarm>;
  private readonly watched: WatchedChannel;
  private readonly stopping = new AbortController();
  private readonly routing = new Set<Promise<void>>();
  private readonly routes: CompiledRoute[];
  private readonly replies: AlarmReplies;

  constructor(private readonly deps: AlarmListenerDeps) {
    this.replies = new AlarmReplies(deps);
    this.watched = new WatchedChannel(deps.channel, deps.client, deps.logger);
    this.routes = deps.routes ?? compileRoutes([], defaultRoutes({ dagaoDagId: 'dagao' }));
    this.coalescer = new Coalescer<RoutedAlarm>(
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
    if (!(await this.watched.includes(message.channel))) return false;
    const alarm = parseAlarmMessage(message);
    if (!alarm) return false;
    this.deps.logger.info({ alarmKey: alarm.key, shape: alarm.shape, state: alarm.state, ts: alarm.source.ts }, 'alarm recognised');
    // Routing may ask CloudWatch (bounded by a deadline): it runs after this returns, tracked for idle().
    const work = this.route(alarm).catch((err: unknown) => this.deps.logger.error({ err, alarmKey: alarm.key }, 'routing an alarm failed'));
    this.routing.add(work);
    void work.finally(() => this.routing.delete(work));
    return true;
  }

  /** Reads the alarm's definition, picks its route, and queues it under the routed target's key (or counts it as unrouted). */
  private async route(alarm: Alarm): Promise<void> {
    const seen = await examineAlarm(alarm, { routes: this.routes, runbooks: this.deps.runbooks, definitions: this.deps.definitions });
    const matched = seen.decision?.matched;
    const log = this.deps.logger.child({ alarmKey: alarm.key, cloudwatch: seen.cloudwatch.status });
    if (!matched) {
      log.info({ reason: seen.decision?.checks.find((c) => c.failed && !c.failed.startsWith('source is'))?.failed }, 'no route claims this alarm: no reply');
      this.deps.unrouted?.record(seen.alarm ?? alarm, seen.decision);
      return;
    }
    if (matched.ignore || !matched.runbook || !matched.key) {
      log.info({ route: matched.route }, 'alarm ignored on purpose by its route');
      return;
    }
    log.info({ route: matched.route, runbook: matched.runbook, targetKey: matched.key }, 'alarm routed');
    this.coalescer.push(matched.key, {
      alarm: seen.alarm ?? alarm,
      route: matched.route,
      runbook: matched.runbook,
      input: matched.input,
      key: matched.key,
      cloudwatch: seen.cloudwatch,
    });
  }

  /** Resolves when every accepted alarm has been handled. */
  async idle(): Promise<void> {
    while (this.routing.size > 0) await Promise.allSettled([...this.routing]);
    await this.coalescer.idle();
  }

  /** Shutdown: stops waiting on other replicas' claims, then lets the alarms being handled finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  /** The first alarm of a batch may start a diagnosis; the rest (and repeats of an open one) are counted. */
  private async handleBatch(key: string, batch: RoutedAlarm[]): Promise<void> {
    let rest = batch;
    let active = await this.openOrRecent(key);
    if (!active) {
      const first = rest.findIndex((a) => a.alarm.state === 'ALARM');
      if (first < 0) return; // OK or INSUFFICIENT_DATA with nothing open: nothing to say
      const claim = await this.claimOrWait(key);
      if (claim === 'stopped') {
        this.deps.logger.warn({ alarmKey: key, posts: rest.length }, 'shutting down while another replica diagnoses this alarm: left to it');
        return;
      }
      active = claim === 'mine' ? undefined : claim;
      if (!active) {
        await this.propose(rest[first]!);
        rest = rest.slice(first + 1);
        active = await this.openOrRecent(key);
      }
    }
    if (!active || rest.length === 0) return;
    const repeats = rest.filter((a) => a.alarm.state === 'ALARM').map((a) => a.alarm);
    const ok = rest.filter((a) => a.alarm.state === 'OK').at(-1)?.alarm;
    const thread = active.location.threadTs ?? active.location.messageTs;
    if (!thread) return;
    await this.deps.store.appendAudit(active.id, [
      {
        actor: 'system',
        type: 'message_posted',
        detail: { alarm: key, repeats: repeats.length, ok: ok !== undefined, posts: rest.slice(0, 50).map((a) => a.alarm.source.ts) },
      },
    ]);
    if (repeats.length > 0) await this.replies.count(active.id, active.location.channel, thread, repeats);
    if (ok) {
      const open = ACTIVE_STATES.includes(active.state) ? ` Operation \`${active.id}\` is still open: cancel it if nothing needs doing.` : '';
      await this.replies.post(
        active.location.channel,
        thread,
        `:large_green_circle: The alarm is back to *OK* (posted <!date^${Math.floor(Number(ok.source.ts))}^{time}|just now>).${open}`,
      );
    }
  }

  /**
   * The open operation for `key`, or the one proposed for it within the repeat window. Both come from the
   * store, so every replica (and a restarted one) sees the same answer.
   */
  private async openOrRecent(key: string): Promise<Operation | undefined> {
    const open = await this.deps.store.findActiveByKey(key);
    if (open) return open;
    const op = await this.deps.store.findLatestByKey(key);
    const now = (this.deps.now ?? (() => new Date()))().getTime();
    if (!op || now - Date.parse(op.createdAt) > (this.deps.repeatWindowMs ?? 15 * 60_000)) return undefined;
    // Only a diagnosis that changed nothing is repeated as is; after a change, a new alarm deserves a new look.
    const changedSomething = op.results.some((r) => op.plan.steps.find((s) => s.id === r.stepId)?.risk !== 'read-only');
    return changedSomething ? undefined : op;
  }

  /**
   * Claims `key` for this replica's diagnosis ('mine'), or, while another replica holds the claim, waits
   * for the operation it proposes and resolves that one. Never both: one diagnosis per alarm.
   */
  private async claimOrWait(key: string): Promise<Operation | 'mine' | 'stopped'> {
    const claimMs = this.deps.claimMs ?? 60_000;
    // The claim is on "the operation after the latest one": a new alarm after a finished operation is a new claim.
    const after = (await this.deps.store.findLatestByKey(key))?.id ?? 'none';
    let waited = false;
    while (!(await this.deps.store.remember(`alarm-claim:${key}:${after}`, claimMs))) {
      const found = await this.openOrRecent(key);
      if (found) return found;
      if (!waited) this.deps.logger.info({ alarmKey: key }, 'another replica is diagnosing this alarm; waiting for its operation');
      waited = true;
      await pause(Math.min(250, claimMs), this.stopping.signal);
      if (this.stopping.signal.aborted) return 'stopped';
    }
    return 'mine';
  }

  private async propose(routed: RoutedAlarm): Promise<void> {
    const { alarm } = routed;
    const runbook = this.deps.runbooks.get(routed.runbook);
    const log = this.deps.logger.child({ alarmKey: routed.key });
    if (!runbook) return; // routing checked it; the registry does not change while running
    const channel = alarm.source.channel;
    const thread = alarm.source.threadTs ?? alarm.source.ts;
    const note = cloudwatchNote(routed.cloudwatch);
    const intro = `:mag: Recognised ${describeAlarm(alarm)}, routed by \`${escapeMrkdwn(routed.route)}\`.${note ? ` ${note}` : ''} Running the read-only diagnosis of *${escapeMrkdwn(runbook.title)}*; the plan follows in this thread.`;
    const ts = await this.replies.post(channel, thread, intro);
    try {
      const op = await this.deps.engine.propose({
        runbook: runbook.name,
        input: routed.input,
        requester: this.deps.self.userId ?? 'runbook-bot',
        location: { channel, team: this.deps.self.teamId, threadTs: thread },
        correlationKey: routed.key,
        // The plan says which alarm started it (the requester is the bot, never shown as a person).
        alarm: { description: describeAlarm(alarm) },
      });
      // The reply that will count repeats is stored with the operation, so any replica (or a restarted one) edits it.
      if (ts) await this.deps.store.appendAudit(op.id, [{ actor: 'system', type: 'message_posted', detail: { counterReply: { ts, text: intro } } }]);
      log.info({ operationId: op.id, runbook: op.runbook }, 'operation proposed for an alarm');
      await this.replies.offer(alarm, runbook.name, channel, thread);
    } catch (err) {
      const ref = randomUUID().slice(0, 8);
      const text =
        err instanceof UserFacingError
          ? `:warning: ${err.message}`
          : `:x: Something went wrong on my side while diagnosing this alarm (reference \`${ref}\`). Nothing was changed.`;
      if (!(err instanceof UserFacingError)) log.error({ err, ref }, 'proposing for an alarm failed');
      await this.replies.post(channel, thread, text);
    }
  }
}
