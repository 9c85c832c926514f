import type { types } from '@slack/bolt';
import { attemptOf } from '../../operations/changes';
import { skippedSteps } from '../../operations/early-end';
import { stepFingerprint } from '../../operations/fingerprint';
import { describeRule, requiredApprovals, ruleFor, type ResolvedRule } from '../../operations/approval-rules';
import { canonicalJson } from '../../operations/fingerprint';
import { gateOf } from '../../operations/gates';
import type { Operation, Step } from '../../operations/types';
import { formatDuration } from '../../util/duration';
import { escapeMrkdwn } from '../../util/text';
import { context, identity, mrkdwn, renderLines, riskLabel, slackDate, stateLabel, type Block, type SlackMessage } from './format';

export const APPROVE_ACTION = 'op_approve';
export const CANCEL_ACTION = 'op_cancel';
export const CHECK_STATE_ACTION = 'op_check_state';
export const RUN_AGAIN_ACTION = 'op_run_again';
/** A step whose gate is a confirmation asks a question; its button records the answer as the step's approval. */
export const CONFIRM_ACTION = 'op_confirm';
/** The menu of a finished operation: export its timeline (Markdown and JSON) into the thread. */
export const EXPORT_ACTION = 'op_export';

export interface RenderOptions {
  /** Who may approve, in mrkdwn (from the approval policy). */
  approvers: string;
  /** The rule the current configuration would give `op` for `risk`, to say when it differs from the stored one. */
  ruleNow?: (op: Operation, risk: 'mutating' | 'destructive') => ResolvedRule | undefined;
}

/** The value an Approve button carries: the approval is bound to this exact step preview. */
export function approveValue(op: Operation, step: Step): string {
  return [op.id, step.id, stepFingerprint(step, op.plan.facts, attemptOf(op, step.id))].join('|');
}

function stepIcon(op: Operation, index: number): string {
  const result = [...op.results].reverse().find((r) => r.stepId === op.plan.steps[index]?.id);
  if (index < op.currentStep) return result?.outcome === 'succeeded' ? ':white_check_mark:' : ':x:';
  if (index > op.currentStep) return op.state === 'succeeded' ? ':fast_forward:' : ':white_square:';
  if (result && op.state !== 'awaiting_approval' && op.state !== 'running' && op.state !== 'approved') {
    return result.outcome === 'succeeded' ? ':white_check_mark:' : result.outcome === 'interrupted' ? ':warning:' : ':x:';
  }
  if (op.state === 'running') return ':arrows_counterclockwise:';
  if (op.state === 'awaiting_approval') return ':lock:';
  return ':white_square:';
}

function stepBlocks(op: Operation, step: Step, index: number): Block[] {
  const total = op.plan.steps.length;
  // A confirmation step changes nothing: say it is a question, not a "mutating" risk.
  const question =
    gateOf(step).type === 'confirmation' ? 'Question: changes nothing; answered by someone other than the requester' : `Risk: ${riskLabel(step.risk)}`;
  // Ended early: say so on the step itself, so nobody reads its preview as something that ran.
  const risk = op.state === 'succeeded' && index > op.currentStep ? `Skipped (not run): the operation ended early · ${question}` : question;
  const head = `${stepIcon(op, index)} *Step ${index + 1}/${total}: ${escapeMrkdwn(step.title)}*\n${risk}`;
  const body = [head, step.explanation ? `_${step.explanation}_` : '', renderLines(step.preview)].filter(Boolean).join('\n');
  return [mrkdwn(body), context(`:mag_right: Verification: ${escapeMrkdwn(step.verification)}`)];
}

function approvalLine(op: Operation, step: Step, options: RenderOptions): string {
  const approvers = op.approvals.filter((a) => a.stepId === step.id).map((a) => `<@${a.userId}>`);
  const needed = requiredApprovals(op, step);
  const rule = ruleFor(op, step);
  const parts: string[] = [];
  if (approvers.length > 0) parts.push(`Approved by ${approvers.join(', ')}`);
  if (op.state === 'awaiting_approval' && rule) {
    // The rule the operation stored when it was proposed, in words (a later config change does not alter it).
    parts.push(
      `Needs ${needed - approvers.length} more approval${needed - approvers.length === 1 ? '' : 's'}: the rule${rule.policy ? ` (policy ${escapeMrkdwn(rule.policy)})` : ''} ${describeRule(rule)}`,
    );
    const now = options.ruleNow?.(op, rule.risk);
    if (now && canonicalJson(now) !== canonicalJson(rule))
      parts.push(`the configuration changed since this plan was proposed (the rule would now be: ${describeRule(now)}); this plan keeps its rule`);
    if (op.expiresAt) parts.push(`expires ${slackDate(op.expiresAt)}`);
  } else if (op.state === 'awaiting_approval') {
    parts.push(`Needs ${needed - approvers.length} more approval${needed - approvers.length === 1 ? '' : 's'} from ${options.approvers}`);
    if (op.expiresAt) parts.push(`expires ${slackDate(op.expiresAt)}`);
  }
  return parts.join(' · ');
}

function outcomeBlocks(op: Operation): Block[] {
  const last = op.results[op.results.length - 1];
  switch (op.state) {
    case 'succeeded': {
      const done = mrkdwn(`:large_green_circle: *Succeeded*${last ? ` in ${formatDuration(last.durationMs)}: ${escapeMrkdwn(last.summary)}` : ''}`);
      const skipped = skippedSteps(op);
      if (skipped.length === 0) return [done];
      return [done, mrkdwn(endedEarlyText(op, skipped))];
    }
    case 'cancelled':
      return [
        mrkdwn(
          `${stateLabel(op.state)}${op.endedBy ? ` by <@${op.endedBy}>` : ''}. ${op.results.some((r) => r.outcome === 'interrupted') ? 'The interrupted step was not run again.' : 'Nothing was run.'}`,
        ),
      ];
    case 'failed':
    case 'interrupted':
    case 'expired':
      return [mrkdwn(`${stateLabel(op.state)}${op.reason ? `: ${escapeMrkdwn(op.reason)}` : ''}`)];
    case 'running':
      return [context(':arrows_counterclockwise: Running now; results will appear in this thread.')];
    default:
      return [];
  }
}

/** Why a succeeded operation ended before its last step, and which steps were not run (mrkdwn). */
export function endedEarlyText(op: Operation, skipped: readonly Step[] = skippedSteps(op)): string {
  const names = skipped.map((s) => `*${escapeMrkdwn(s.title)}*`).join(', ');
  const why = op.reason ? `${escapeMrkdwn(op.reason)} ` : '';
  return `:fast_forward: Ended early. ${why}Not run: ${names}.`;
}

/** The operation's main message: plan, state, approvals, and the buttons while approval is pending. */
export function renderOperationMessage(op: Operation, options: RenderOptions): SlackMessage {
  const step = op.plan.steps[op.currentStep];
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: op.plan.title.slice(0, 150), emoji: true } },
    mrkdwn(`${stateLabel(op.state)} · ${identity(op)}\n${op.plan.summary}`),
    ...recentBlocks(op),
    { type: 'divider' },
    ...op.plan.steps.flatMap((s, i) => stepBlocks(op, s, i)),
  ];
  if (step) {
    const line = approvalLine(op, step, options);
    if (line) blocks.push(context(line));
  }
  blocks.push(...outcomeBlocks(op));
  if (op.state === 'awaiting_approval' && step) {
    const approve: types.Button = {
      type: 'button',
      action_id: APPROVE_ACTION,
      style: 'primary',
      text: { type: 'plain_text', text: step.risk === 'destructive' ? 'Approve (destructive)' : 'Approve' },
      value: approveValue(op, step),
    };
    const gate = gateOf(step);
    if (gate.type === 'confirmation') {
      approve.action_id = CONFIRM_ACTION;
      approve.text = { type: 'plain_text', text: gate.button.slice(0, 75) };
    }
    if (step.risk === 'destructive') {
      approve.confirm = {
        title: { type: 'plain_text', text: 'Approve a destructive step?' },
        // Plain text: a confirm dialog shows markup as typed. The message is redrawn after each approval, so it knows whether this one is the last.
        text: { type: 'plain_text', text: confirmText(op, step) },
        confirm: { type: 'plain_text', text: 'Approve' },
        deny: { type: 'plain_text', text: 'Back' },
        style: 'danger',
      };
    }
    blocks.push({
      type: 'actions',
      block_id: `op_actions_${op.id}`,
      elements: [
        approve,
        { type: 'button', action_id: CANCEL_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Cancel' }, value: op.id },
        ...menuElements(op),
      ],
    });
  }
  if (op.state === 'interrupted') blocks.push(recoveryActions(op));
  if (op.state === 'succeeded' || op.state === 'failed' || op.state === 'cancelled' || op.state === 'expired') blocks.push(exportMenu(op));
  return { text: `${escapeMrkdwn(op.plan.title)}: ${stateLabel(op.state).replace(/^:[a-z_]+: /, '')}`, blocks };
}

/** The warning that the same target was acted on, or is waiting, in the recent past. */
function recentBlocks(op: Operation): Block[] {
  if (!op.recent || op.recent.length === 0) return [];
  const lines = op.recent.map((r) => {
    const when = `<!date^${Math.floor(Date.parse(r.at) / 1000)}^{ago}|${r.at}>`;
    const what = r.state === 'succeeded' ? `succeeded ${when}` : `is ${r.state.replace('_', ' ')} (proposed ${when})`;
    const who = r.byAlarm ? 'started by an alarm' : `requested by <@${r.requester}>`;
    const approved = r.approvers.length > 0 ? `, approved by ${r.approvers.map((u) => `<@${u}>`).join(', ')}` : '';
    return `\`${r.id}\` *${escapeMrkdwn(r.title)}* ${what}, ${who}${approved}.`;
  });
  return [mrkdwn(`:warning: *The same target, recently:*\n${lines.join('\n')}\nCheck that this is not a repeat before approving.`)];
}

/** What the destructive confirm dialog says: whether this approval runs the step now or waits for another. */
function confirmText(op: Operation, step: Step): string {
  const given = new Set(op.approvals.filter((a) => a.stepId === step.id).map((a) => a.userId)).size;
  const left = requiredApprovals(op, step) - given;
  const title = plainTitle(step.title).slice(0, 150);
  const when =
    left <= 1
      ? given > 0
        ? 'Another approver already agreed: yours is the last approval needed, so it runs as soon as you confirm.'
        : 'Yours is the last approval needed, so it runs as soon as you confirm.'
      : `It needs ${left} approvals: it runs only after ${left - 1 === 1 ? 'another approver also agrees' : `${left - 1} more approvers agree`}.`;
  return `You are approving "${title}". ${when}`.slice(0, 300);
}

/** A title as plain words: code quotes, emphasis and angle brackets (mentions) dropped. */
function plainTitle(title: string): string {
  return title.replace(/[`*_~<>]/g, '');
}

/** After an interruption: look (read-only), ask to run again (a fresh approval), or close. */
function recoveryActions(op: Operation): Block {
  const button = (action_id: string, text: string, style?: 'primary' | 'danger'): types.Button => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text },
    value: op.id,
    ...(style ? { style } : {}),
  });
  return {
    type: 'actions',
    block_id: `op_recovery_${op.id}`,
    elements: [button(CHECK_STATE_ACTION, 'Check state', 'primary'), button(RUN_AGAIN_ACTION, 'Run again…'), button(CANCEL_ACTION, 'Close', 'danger')],
  };
}

/** The plan's select menu (e.g. another build to roll back to); each option carries the operation id. */
function menuElements(op: Operation): types.StaticSelect[] {
  const menu = op.plan.menu;
  if (!menu || menu.options.length === 0) return [];
  return [
    {
      type: 'static_select',
      action_id: menu.actionId,
      placeholder: { type: 'plain_text', text: menu.placeholder.slice(0, 150) },
      options: menu.options
        .slice(0, 100)
        .map((o) => ({ text: { type: 'plain_text', text: o.label.slice(0, 75) }, value: `${op.id}|${o.value}`.slice(0, 150) })),
    },
  ];
}

/** A finished operation's menu (an overflow, so the message keeps no action buttons): export the timeline. */
function exportMenu(op: Operation): Block {
  return {
    type: 'actions',
    block_id: `op_finished_${op.id}`,
    elements: [{ type: 'overflow', action_id: EXPORT_ACTION, options: [{ text: { type: 'plain_text', text: 'Export timeline' }, value: `export|${op.id}` }] }],
  };
}
