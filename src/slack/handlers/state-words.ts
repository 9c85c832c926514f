import type { Operation } from '../../operations/types';
import { escapeMrkdwn } from '../../util/text';
import { slackDate } from '../blocks/format';

/** Tells someone who clicked a button what state the operation is in, and that nothing ran twice. */
export function explainState(op: Operation): string {
  const approvers = [...new Set(op.approvals.map((a) => `<@${a.userId}>`))].join(', ');
  switch (op.state) {
    case 'approved':
      return `\`${op.id}\` is approved${approvers ? ` by ${approvers}` : ''} and starting now. It will not run twice.`;
    case 'running':
      return `\`${op.id}\` is already running${approvers ? ` (approved by ${approvers})` : ''}. It will not run twice.`;
    case 'succeeded':
      return `\`${op.id}\` already succeeded. Nothing was run again.`;
    case 'failed':
      return `\`${op.id}\` already failed${op.reason ? `: ${escapeMrkdwn(op.reason)}` : ''}. Nothing was run again; start a new request to retry.`;
    case 'cancelled':
      return `\`${op.id}\` was cancelled. Nothing was run.`;
    case 'expired':
      return `\`${op.id}\` expired${op.expiresAt ? ` ${slackDate(op.expiresAt)}` : ''} before it was approved. Nothing was run; start a new request if it is still needed.`;
    case 'interrupted':
      return `\`${op.id}\` was interrupted while running and was not re-run. Use *Check state* on its message, then *Run again…* (a fresh approval) or *Close*.`;
    case 'planned':
      return `\`${op.id}\` is still being prepared; try again in a moment.`;
    case 'awaiting_approval':
      return `\`${op.id}\` is awaiting approval.`;
  }
}
