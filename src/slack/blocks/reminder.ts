import type { Operation } from '../../operations/types';
import { escapeMrkdwn } from '../../util/text';
import { mrkdwn, slackDate, type SlackMessage } from './format';

/** A reminder (or escalation) in the thread of a plan still waiting for approval; mentions notify people. */
export function renderApprovalReminder(op: Operation, stage: 'remind' | 'escalate', approvers: readonly string[], escalation: readonly string[]): SlackMessage {
  const who = approvers.length > 0 ? approvers.join(' ') : 'anyone in the channel except the requester';
  const expires = op.expiresAt ? ` It expires ${slackDate(op.expiresAt)}.` : '';
  const title = escapeMrkdwn(op.plan.title);
  const text =
    stage === 'remind'
      ? `:alarm_clock: Still waiting for approval: *${title}* (\`${op.id}\`). ${who}, please review.${expires}`
      : `:rotating_light: Escalating: *${title}* (\`${op.id}\`) is still not approved and most of its window has passed.${expires} ${escalation.length > 0 ? `${escalation.join(' ')}: please find an approver.` : ''} Approvers: ${who}.`;
  return { text, blocks: [mrkdwn(text)] };
}
