import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEvent, OperationObserver } from '../operations/observer';
import type { StepFile } from '../operations/runbook';
import type { Operation } from '../operations/types';
import type { SlackMessage } from './blocks/format';
import { endedEarlyText, renderOperationMessage, type RenderOptions } from './blocks/operation-message';
import { skippedSteps } from '../operations/early-end';
import { mrkdwn } from './blocks/format';
import {
  renderCancelled,
  renderCleanedUp,
  renderExpired,
  renderFollowUp,
  renderInterrupted,
  renderRerunRequested,
  renderStateChecked,
  renderNextGate,
  renderPlanChanged,
  renderProgress,
  renderStepResult,
  renderStepStarted,
} from './blocks/thread-messages';
import { renderApprovalReminder } from './blocks/reminder';
import { explainUploadError, uploadFilesToThread } from './upload-files';
import { escapeMrkdwn } from '../util/text';
import type { OutboxSender } from './outbox-sender';

type WebClient = webApi.WebClient;

/** Slack's error codes for a failed post, in words that say what to do. */
export function explainPostError(err: unknown): string {
  const code = (err as { data?: { error?: string } }).data?.error;
  switch (code) {
    case 'not_in_channel':
    case 'channel_not_found':
      return 'I am not a member of this channel. Invite me with `/invite @runbook-bot` and try again.';
    case 'is_archived':
      return 'This channel is archived.';
    case 'msg_too_long':
    case 'invalid_blocks':
      return `Slack refused the plan message (${code}).`;
    default:
      return code ? `Slack refused the message (${code}).` : err instanceof Error ? err.message : String(err);
  }
}

/** How often one operation's failed edit is replayed before the bot gives up and logs it. */
const MAX_EDIT_REPLAYS = 20;

/** Whether Slack may take the same call later: rate limits, its own errors, timeouts, no answer at all. */
function transientSlackError(err: unknown): boolean {
  const e = err as { code?: string; data?: { error?: string } };
  if (e.data?.error) return ['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(e.data.error);
  return true;
}

/** Shows operations in Slack: one message per operation, edited in place, details in its thread. */
export class SlackOperationObserver implements OperationObserver {
  /** The progress message of each running step, edited instead of posting a new line each time. */
  private readonly progress = new Map<string, { ts?: string; lastAt: number; pending?: Promise<void> }>();
  /** The last queued edit of each operation's message: edits of one message go out one at a time. */
  private readonly edits = new Map<string, Promise<void>>();
  /** Operations whose last edit Slack did not take: replayed (newest stored state) until it does. */
  private readonly behind = new Map<string, { op: Operation; attempts: number }>();
  private catchUpTimer?: NodeJS.Timeout;
  /** First wait before a failed edit is replayed; doubles per attempt up to a minute. */
  editRetryMs = 2_000;

  constructor(
    private readonly client: WebClient,
    private readonly render: RenderOptions,
    private readonly logger: Logger,
    private readonly progressMinIntervalMs = 3000,
    /** Reads the stored operation, so an edit always shows the newest state, not the snapshot an event carried. */
    private readonly load?: (operationId: string) => Promise<Operation | undefined>,
    /** Thread messages people must see go through the store's outbox, so a Slack outage cannot lose them. */
    private readonly outbox?: OutboxSender,
  ) {}

  async publish(op: Operation): Promise<{ messageTs: string }> {
    const message = renderOperationMessage(op, this.render);
    try {
      const res = await this.client.chat.postMessage({ channel: op.location.channel, thread_ts: op.location.threadTs, ...message, unfurl_links: false });
      if (!res.ts) throw new Error('Slack did not return the message timestamp');
      return { messageTs: res.ts };
    } catch (err) {
      throw new Error(explainPostError(err));
    }
  }

  async notify(op: Operation, event: OperationEvent): Promise<void> {
    switch (event.type) {
      case 'approval_added':
        return this.update(op);
      case 'step_started':
        await this.say(op, renderStepStarted(op, event.step));
        return this.update(op);
      case 'progress':
        return this.showProgress(op, event.step.id, renderProgress(event.step, event.text));
      case 'step_finished':
        this.progress.delete(`${op.id}:${event.step.id}`);
        await this.say(op, renderStepResult(op, event.step, event.result));
        if (event.files?.length) await this.upload(op, event.files);
        return this.update(op);
      case 'awaiting_approval':
        await this.say(op, renderNextGate(op, event.step));
        return this.update(op);
      case 'finished':
        if (skippedSteps(op).length > 0) await this.say(op, { text: endedEarlyText(op), blocks: [mrkdwn(endedEarlyText(op))] });
        return this.update(op);
      case 'cancelled':
        await this.say(op, renderCancelled(op, event.userId));
        return this.update(op);
      case 'expired':
        await this.say(op, renderExpired(op));
        return this.update(op);
      case 'interrupted':
        await this.say(op, renderInterrupted(op, event.step));
        return this.update(op);
      case 'state_checked':
        await this.say(op, renderStateChecked(event.step, event.userId, event.outcome));
        return;
      case 'rerun_requested':
        await this.say(op, renderRerunRequested(op, event.step, event.userId));
        return this.update(op);
      case 'follow_up':
        await this.say(op, renderFollowUp(event.why, event.operationId, event.error));
        return;
      case 'plan_changed':
        await this.say(op, renderPlanChanged(op, event.changes));
        return this.update(op);
      case 'approval_reminder':
        await this.reply(op, renderApprovalReminder(op, event.stage, event.approvers, event.escalation));
        return;
      case 'cleaned_up':
        await this.say(op, renderCleanedUp(event.text));
        return;
    }
  }

  /**
   * Edits the operation's message. Edits of one message are serialised and each renders the newest
   * stored version: two events racing (a gate and a click) can no longer leave an older state (or an
   * approval missing) on screen.
   */
  private update(op: Operation): Promise<void> {
    const edit = (this.edits.get(op.id) ?? Promise.resolve()).then(async () => {
      const stored = this.load ? await this.load(op.id).catch(() => undefined) : undefined;
      const shown = stored && stored.version >= op.version ? stored : op;
      if (!shown.location.messageTs) return;
      const edited = await this.client.chat
        .update({ channel: shown.location.channel, ts: shown.location.messageTs, ...renderOperationMessage(shown, this.render) })
        .then(
          () => true,
          (err: unknown) => {
            this.logger.warn({ err, method: 'chat.update', operationId: op.id }, 'Slack call failed while showing an operation');
            return !transientSlackError(err); // a refusal for good (message gone, channel archived) is not replayed
          },
        );
      if (edited) this.behind.delete(op.id);
      else this.catchUpLater(shown);
    });
    this.edits.set(op.id, edit);
    void edit.finally(() => {
      if (this.edits.get(op.id) === edit) this.edits.delete(op.id);
    });
    return edit;
  }

  /**
   * Replays the edit of an operation whose message is behind, with the state stored by then (an edit
   * is the whole message, so a replay is idempotent), backing off up to a minute per attempt.
   */
  private catchUpLater(op: Operation): void {
    const entry = this.behind.get(op.id) ?? { op, attempts: 0 };
    entry.op = op;
    entry.attempts += 1;
    if (entry.attempts > MAX_EDIT_REPLAYS) {
      this.behind.delete(op.id);
      this.logger.error({ operationId: op.id }, 'the operation message could not be brought up to date: Slack kept failing');
      return;
    }
    this.behind.set(op.id, entry);
    if (this.catchUpTimer) return;
    const wait = Math.min(60_000, this.editRetryMs * 2 ** Math.min(10, Math.max(0, ...[...this.behind.values()].map((b) => b.attempts - 1))));
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined;
      for (const { op: stale } of this.behind.values()) void this.update(stale);
    }, wait);
    this.catchUpTimer.unref();
  }

  /** Stops replaying edits (shutdown); the stored state is still shown by the next edit after a restart. */
  stopCatchUp(): void {
    clearTimeout(this.catchUpTimer);
    this.catchUpTimer = undefined;
  }

  /** A thread message that must reach people: stored in the outbox, then posted in the thread's order. */
  private async say(op: Operation, message: SlackMessage): Promise<void> {
    const thread = op.location.threadTs ?? op.location.messageTs;
    if (!this.outbox || !thread) return void (await this.reply(op, message));
    try {
      await this.outbox.post(op.location.channel, thread, { ...message });
    } catch (err) {
      // The store refused the message: posting it directly is better than not at all.
      this.logger.warn({ err, operationId: op.id }, 'storing a thread message failed: posting it directly');
      await this.reply(op, message);
    }
  }

  private async reply(op: Operation, message: SlackMessage): Promise<string | undefined> {
    const thread = op.location.threadTs ?? op.location.messageTs;
    if (!thread) return undefined;
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: op.location.channel, thread_ts: thread, ...message, unfurl_links: false }),
    );
    return res?.ts;
  }

  /** Shares a step's files in the thread; a failed upload is said in the thread and never fails the step. */
  private async upload(op: Operation, files: StepFile[]): Promise<void> {
    const thread = op.location.threadTs ?? op.location.messageTs;
    if (!thread) return;
    try {
      await uploadFilesToThread(this.client, op.location.channel, thread, files);
    } catch (err) {
      this.logger.warn({ err, operationId: op.id }, 'uploading files to the thread failed');
      const names = escapeMrkdwn(files.map((f) => f.title).join(', '));
      const text = `:warning: The chart (${names}) could not be uploaded: ${explainUploadError(err)}. The numbers above are the diagnosis.`;
      await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: op.location.channel, thread_ts: thread, text, unfurl_links: false }));
    }
  }

  /** At most one progress edit every few seconds per step; the first one posts the message. */
  private async showProgress(op: Operation, stepId: string, message: SlackMessage): Promise<void> {
    const key = `${op.id}:${stepId}`;
    const state = this.progress.get(key) ?? { lastAt: 0 };
    this.progress.set(key, state);
    if (state.pending || Date.now() - state.lastAt < this.progressMinIntervalMs) return;
    state.lastAt = Date.now();
    state.pending = (async () => {
      if (state.ts) {
        await this.call('chat.update', () => this.client.chat.update({ channel: op.location.channel, ts: state.ts!, ...message }));
      } else {
        state.ts = await this.reply(op, message);
      }
    })().finally(() => (state.pending = undefined));
    await state.pending;
  }

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn({ err, method }, 'Slack call failed while showing an operation');
      return undefined;
    }
  }
}
