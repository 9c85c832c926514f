import { randomUUID } from 'node:crypto';
import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { OperationEngine } from '../../operations/engine';
import { UserFacingError, type RunbookRegistry } from '../../operations/runbook';
import type { OperationStore } from '../../store/store';
import { renderHelp, renderUsageError } from '../blocks/help';
import { renderStatusDetail, renderStatusList } from '../blocks/status';
import { limiter } from '../../util/limit';
import { afterBurst, arrived } from './burst';
import { parseCommand } from '../command-parser';
import { firstDelivery } from '../delivery-keys';
import { renderOnCall } from '../blocks/oncall';
import type { SlackOnCallDirectory } from '../oncall-directory';
import { answerFreeze, type FreezeDeps } from './freeze';
import { exportTimeline } from './export';

export interface CommandDeps {
  engine: OperationEngine;
  store: OperationStore;
  runbooks: RunbookRegistry;
  logger: Logger;
  /** `/runbook alarms explain`: what the alarm pipeline would do with a post (absent: not offered). */
  explainAlarm?: (text: string) => Promise<{ text: string; blocks: Record<string, unknown>[] }>;
  /** On-call schedules of runbook-bot.yml, for `/runbook oncall`. */
  oncall?: SlackOnCallDirectory;
  /** The shared freeze, for `/runbook freeze`. */
  freeze?: Omit<FreezeDeps, 'logger'>;
  /** Opens the runbook form (`/runbook` with no words); absent: the usage error is answered. */
  openForm?: (from: { triggerId: string; user: string; channel?: string }) => Promise<void>;
}

const STATUS_LIMIT = 15;
/** Commands whose work after the ack runs at once; the others queue (in arrival order) behind them. */
const AFTER_ACK_CONCURRENCY = 4;
/**
 * After this long a command's work gives its slot to the next one in line and goes on outside the limit
 * (bounded by the Slack and backend deadlines), so hung calls cannot hold every slot.
 */
const SLOT_DEADLINE_MS = 5_000;

/** Registers `/runbook`: help and parse errors are answered in the ack, the rest after it. */
export function registerRunbookCommand(app: App, deps: CommandDeps): void {
  const client = app.client;
  // Two lanes: `/runbook status` reads the store and answers on response_url, so it never queues behind
  // proposals that wait on a slow backend or a hung Slack API.
  const lanes = {
    status: limiter(AFTER_ACK_CONCURRENCY, { releaseSlotAfterMs: SLOT_DEADLINE_MS }),
    propose: limiter(AFTER_ACK_CONCURRENCY, {
      releaseSlotAfterMs: SLOT_DEADLINE_MS,
      onOverstay: () => deps.logger.warn('a command is still working after 5 s: its slot goes to the next one'),
    }),
  };
  app.command('/runbook', async ({ command, ack, respond, context }) => {
    arrived(app); // memory only: nothing slow before the ack
    const who = { requestId: command.trigger_id, user: command.user_id, channel: command.channel_id };
    // `/runbook` alone opens the form (after the ack: views.open is a Slack call).
    if (deps.openForm && (command.text ?? '').trim() === '') {
      await ack();
      await deps.openForm({ triggerId: command.trigger_id, user: command.user_id, channel: command.channel_id });
      return;
    }
    const parsed = parseCommand(command.text ?? '', deps.runbooks);
    // Debug only: a proposal is logged by the engine, and one info line per command is enough under a burst.
    deps.logger.debug({ ...who, kind: parsed.kind }, 'slash command');
    if (parsed.kind === 'help') return ack({ response_type: 'ephemeral', ...renderHelp(parsed.usage) });
    if (parsed.kind === 'invalid') return ack({ response_type: 'ephemeral', ...renderUsageError(parsed.error, parsed.usage) });
    await ack();
    // The rest (plan, store, Slack calls) waits for a pause in the requests arriving (a burst is read and
    // acknowledged first), and at most a few commands do it at once: under a burst, this work would
    // otherwise delay the acks queued behind it (Slack retries what is not acked within 3 s).
    await afterBurst(app);
    if (parsed.kind === 'export') {
      await lanes.status(async () =>
        respond({ response_type: 'ephemeral', text: await exportTimeline(client, deps.store, parsed.operationId, command.user_id) }),
      );
      return;
    }
    await lanes[parsed.kind === 'status' ? 'status' : 'propose'](async () => {
      // A retried delivery is dropped here, after the ack: its first delivery already got the answer.
      if (await firstDelivery(context)) await work(parsed, command, respond, deps, who);
    });
  });
}

/** Everything a command does after its ack: status answers, or proposing the operation. */
async function work(
  parsed: Exclude<ReturnType<typeof parseCommand>, { kind: 'help' | 'invalid' | 'export' }>,
  command: { user_id: string; channel_id: string; team_id: string },
  respond: RespondFn,
  deps: CommandDeps,
  who: Record<string, string>,
): Promise<void> {
  // Created after the ack: a child logger serialises its bindings, work the ack need not wait for.
  const log = deps.logger.child(who);
  try {
    if (parsed.kind === 'alarms-explain') {
      const explained = deps.explainAlarm
        ? await deps.explainAlarm(parsed.text)
        : { text: 'Alarm explanations are not available in this deployment.', blocks: [] };
      await respond({ response_type: 'ephemeral', text: explained.text, ...(explained.blocks.length > 0 ? { blocks: explained.blocks as never } : {}) });
      return;
    }
    if (parsed.kind === 'oncall') {
      await respond({ response_type: 'ephemeral', ...renderOnCall(await onCallAnswers(deps.oncall)) });
      return;
    }
    if (parsed.kind === 'freeze') {
      if (!deps.freeze) throw new UserFacingError('The freeze is not available in this setup.');
      await answerFreeze(parsed.change, command.user_id, respond, { ...deps.freeze, logger: log });
      return;
    }
    if (parsed.kind === 'status') {
      if (!parsed.operationId) {
        await respond({ response_type: 'ephemeral', ...renderStatusList(await deps.store.listRecent(STATUS_LIMIT)) });
        return;
      }
      const op = await deps.store.get(parsed.operationId);
      if (!op) {
        await respond({ response_type: 'ephemeral', text: `There is no operation \`${parsed.operationId}\`. \`/runbook status\` lists recent ones.` });
        return;
      }
      await respond({ response_type: 'ephemeral', ...renderStatusDetail(op, await deps.store.auditTrail(op.id)) });
      return;
    }
    await proposeOperation(deps, parsed, command, log);
  } catch (err) {
    await respond({ response_type: 'ephemeral', text: failureText(err, log) });
  }
}

/** Proposes a runbook's operation for a person in a channel: the one path of the slash command and the form. */
export async function proposeOperation(
  deps: { engine: Pick<OperationEngine, 'propose'> },
  what: { runbook: string; input: unknown },
  who: { user_id: string; channel_id: string; team_id: string },
  log: Logger,
): Promise<void> {
  const op = await deps.engine.propose({
    runbook: what.runbook,
    input: what.input,
    requester: who.user_id,
    location: { channel: who.channel_id, team: who.team_id },
  });
  log.debug({ operationId: op.id, runbook: op.runbook }, 'operation proposed from slash command');
}

/** What the person is told when a command fails: a refusal as written, anything else as a reference to the logs. */
export function failureText(err: unknown, log: Logger): string {
  if (err instanceof UserFacingError) {
    log.info({ code: err.code }, 'command refused');
    return `:warning: ${err.message}`;
  }
  const ref = randomUUID().slice(0, 8);
  log.error({ err, ref }, 'slash command failed');
  return `:x: Something went wrong on my side (reference \`${ref}\`). Nothing was run.`;
}

/** Who is on call for every configured schedule; a schedule that cannot be read says why instead. */
async function onCallAnswers(directory: SlackOnCallDirectory | undefined): Promise<Parameters<typeof renderOnCall>[0]> {
  if (!directory) return [];
  return Promise.all(
    directory.names().map(async (schedule) => {
      try {
        return { schedule, ...(await directory.onCallNow(schedule)) };
      } catch (err) {
        return { schedule, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
