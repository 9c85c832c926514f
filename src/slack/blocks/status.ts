import type { AuditEntry, Operation } from '../../operations/types';
import { escapeMrkdwn } from '../../util/text';
import { context, identity, mrkdwn, slackDate, stateLabel, type SlackMessage } from './format';

/** `/runbook status`: the most recent operations, one line each. */
export function renderStatusList(ops: readonly Operation[]): SlackMessage {
  if (ops.length === 0) return { text: 'No operations yet.', blocks: [mrkdwn('No operations yet. Try `/runbook help`.')] };
  const lines = ops.map((op) => `${stateLabel(op.state)} · *${escapeMrkdwn(op.plan.title)}* · ${identity(op)}`);
  return {
    text: `${ops.length} recent operations`,
    blocks: [mrkdwn(`*Recent operations* (newest first)\n${lines.join('\n')}`), context('`/runbook status <id>` shows one with its audit trail.')],
  };
}

function describeEntry(e: AuditEntry): string {
  const who = e.actor === 'system' ? 'bot' : `<@${e.actor}>`;
  const detail = Object.entries(e.detail)
    .filter(([, v]) => v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return `${slackDate(e.at)} · ${who} · *${e.type.replace(/_/g, ' ')}*${detail ? ` · ${escapeMrkdwn(detail).slice(0, 300)}` : ''}`;
}

/** `/runbook status <id>`: one operation with its audit trail. */
export function renderStatusDetail(op: Operation, audit: readonly AuditEntry[]): SlackMessage {
  const lines = audit.slice(-40).map(describeEntry);
  const location = op.location.messageTs ? `\nConversation: channel <#${op.location.channel}>, message ${op.location.messageTs}` : '';
  return {
    text: `${op.id}: ${op.state}`,
    blocks: [
      mrkdwn(`*${escapeMrkdwn(op.plan.title)}*\n${stateLabel(op.state)} · ${identity(op)}${op.reason ? `\n${escapeMrkdwn(op.reason)}` : ''}${location}`),
      mrkdwn(`*Audit trail* (${audit.length} entries${audit.length > 40 ? ', last 40 shown' : ''})\n${lines.join('\n')}`),
      context(op.expiresAt && op.state === 'awaiting_approval' ? `Approval expires ${slackDate(op.expiresAt)}` : `Last change ${slackDate(op.updatedAt)}`),
    ],
  };
}
