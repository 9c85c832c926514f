import type { types } from '@slack/bolt';
import type { Operation, OperationState, PreviewLine, Risk } from '../../operations/types';
import { escapeMrkdwn, truncate } from '../../util/text';

export type Block = types.KnownBlock;

/** What a message is made of: fallback text (notifications, screen readers) and blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const STATE_LABELS: Record<OperationState, string> = {
  planned: ':hourglass_flowing_sand: Planned',
  awaiting_approval: ':lock: Awaiting approval',
  approved: ':white_check_mark: Approved',
  running: ':arrows_counterclockwise: Running',
  succeeded: ':large_green_circle: Succeeded',
  failed: ':red_circle: Failed',
  cancelled: ':no_entry_sign: Cancelled',
  expired: ':hourglass: Expired',
  interrupted: ':warning: Interrupted',
};

/** A state with its emoji, e.g. ":red_circle: Failed". */
export function stateLabel(state: OperationState): string {
  return STATE_LABELS[state];
}

/** The state in plain words for sentences ("already running"). */
export function stateWords(state: OperationState): string {
  return state.replace('_', ' ');
}

const RISK_LABELS: Record<Risk, string> = {
  'read-only': ':mag: read-only (no approval needed)',
  mutating: ':pencil2: mutating (1 approver)',
  destructive: ':rotating_light: destructive (2 approvers)',
};

export function riskLabel(risk: Risk): string {
  return RISK_LABELS[risk];
}

/** A Slack date token that renders in the reader's time zone, with an ISO fallback. */
export function slackDate(iso: string): string {
  const epoch = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${epoch}^{date_short_pretty} at {time}|${iso}>`;
}

export function mrkdwn(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

/** Preview and result lines: code values in code blocks, others inline. */
export function renderLines(lines: readonly PreviewLine[]): string {
  return lines
    .map((l) =>
      l.code
        ? `*${escapeMrkdwn(l.label)}*\n\`\`\`${escapeMrkdwn(l.value).replace(/```/g, "'''")}\`\`\``
        : `*${escapeMrkdwn(l.label)}:* ${escapeMrkdwn(l.value)}`,
    )
    .join('\n');
}

/** "op-abc12345 · requested by @x" and similar one-line identity of an operation. */
export function identity(op: Operation): string {
  return `\`${op.id}\` · ${startedBy(op)} · ${slackDate(op.createdAt)}`;
}

/**
 * Who started an operation: a person ("requested by @x"), or an alarm, named, with who approved it so far.
 * An alarm's operation has the bot as requester; showing the bot as a requester would read as a person.
 */
export function startedBy(op: Operation): string {
  if (!op.alarm) return `requested by <@${op.requester}>`;
  const approvers = [...new Set(op.approvals.map((a) => a.userId))].map((u) => `<@${u}>`);
  return `started by ${op.alarm.description ?? 'an alarm'}${approvers.length > 0 ? `, approved by ${approvers.join(', ')}` : ''}`;
}

/**
 * An external id's key in words, for the rare message that must name one (a crash report):
 * `changeSet:prod-global-k-metapod` reads "Change set (prod-global-k-metapod)", `dagRunId` "Dag run id".
 */
export function externalIdLabel(key: string): string {
  const [base = '', ...rest] = key.split(':');
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  return rest.length > 0 ? `${label} (${rest.join(':')})` : label;
}
