import { attemptOf } from '../../operations/changes';
import type { PlanChange } from '../../operations/plan-diff';
import type { StepOutcome } from '../../operations/runbook';
import type { Operation, Step, StepResult } from '../../operations/types';
import { formatDuration } from '../../util/duration';
import { escapeMrkdwn } from '../../util/text';
import { context, externalIdLabel, mrkdwn, renderLines, slackDate, type SlackMessage } from './format';

/** A step's result, posted in the operation's thread. */
export function renderStepResult(op: Operation, step: Step, result: StepResult): SlackMessage {
  const icon = result.outcome === 'succeeded' ? ':white_check_mark:' : result.outcome === 'interrupted' ? ':warning:' : ':x:';
  const verb = result.outcome === 'succeeded' ? 'succeeded' : result.outcome === 'interrupted' ? 'was interrupted' : 'failed';
  const head = `${icon} *${escapeMrkdwn(step.title)}* ${verb} (attempt ${result.attempt}, ${formatDuration(result.durationMs)})\n${escapeMrkdwn(result.summary)}`;
  const blocks = [mrkdwn(head)];
  // Request ids (change set ARNs, metric windows...) are the audit trail's: the thread shows labelled details only.
  const details = renderLines(result.details);
  if (details) blocks.push(mrkdwn(details));
  const ids = Object.keys(result.externalIds).length > 0 ? ` · request ids in \`/runbook status ${op.id}\`` : '';
  blocks.push(context(`\`${op.id}\` · finished ${slackDate(result.finishedAt)}${ids}`));
  return { text: `${escapeMrkdwn(step.title)} ${verb}: ${escapeMrkdwn(result.summary)}`, blocks };
}

/** Progress of a long step (one message per step, edited in place). */
export function renderProgress(step: Step, text: string): SlackMessage {
  return { text: `${escapeMrkdwn(step.title)}: ${text}`, blocks: [context(`:hourglass_flowing_sand: *${escapeMrkdwn(step.title)}*: ${text}`)] };
}

/** Who approved and that the step is starting. */
export function renderStepStarted(op: Operation, step: Step): SlackMessage {
  const approvers = op.approvals.filter((a) => a.stepId === step.id).map((a) => `<@${a.userId}>`);
  const by = approvers.length > 0 ? `Approved by ${approvers.join(' and ')}; running` : 'Running (read-only, no approval needed)';
  return { text: `${by}: ${escapeMrkdwn(step.title)}`, blocks: [mrkdwn(`:arrows_counterclockwise: ${by} *${escapeMrkdwn(step.title)}*…`)] };
}

export function renderNextGate(op: Operation, step: Step): SlackMessage {
  const text = `:lock: Step ${op.currentStep + 1} (*${escapeMrkdwn(step.title)}*) is ready and needs approval: use the buttons on the message above.`;
  return { text, blocks: [mrkdwn(text)] };
}

/** After a crash: what was running, what is known, and that nothing was re-run. */
export function renderInterrupted(op: Operation, step: Step): SlackMessage {
  const last = op.results[op.results.length - 1];
  const ids = last ? Object.entries(last.externalIds).map(([k, v]) => `${escapeMrkdwn(externalIdLabel(k))}: \`${escapeMrkdwn(v)}\``) : [];
  const lines = [
    `:warning: *${escapeMrkdwn(step.title)}* was interrupted: the bot stopped while it was running.`,
    'It was *not* run again. Check the backend to see whether it took effect before doing anything else.',
    ids.length > 0 ? `Last known external ids: ${ids.join(', ')}` : 'No external request id was recorded before the interruption.',
    '*Check state* (on the message above) looks at the backend without changing anything; *Run again…* asks for a fresh approval of the step as planned now; *Close* ends it here.',
    `\`/runbook status ${op.id}\` shows the audit trail.`,
  ];
  return { text: `${escapeMrkdwn(step.title)} was interrupted and not re-run`, blocks: [mrkdwn(lines.join('\n'))] };
}

export function renderPlanChanged(op: Operation, changes: readonly PlanChange[] = []): SlackMessage {
  const text =
    ':twisted_rightwards_arrows: The plan changed since it was approved (the world is not what the preview showed). The approval was voided: review the new preview above and approve again.';
  if (changes.length === 0) return { text, blocks: [mrkdwn(text), context(`\`${op.id}\``)] };
  // What the approval was given for (before) against what is true now (after), one line per fact.
  const lines = changes.map((c) => escapeMrkdwn(`${c.path}: ${c.before ?? '(absent)'} -> ${c.after ?? '(absent)'}`)).join('\n');
  const diff = `*What changed* (approved -&gt; now)\n\`\`\`${lines.replace(/```/g, "'''").slice(0, 2800)}\`\`\``;
  return { text: `${text}\n${lines}`.slice(0, 3000), blocks: [mrkdwn(text), mrkdwn(diff), context(`\`${op.id}\``)] };
}

export function renderExpired(op: Operation): SlackMessage {
  const text = `:hourglass: Nobody approved in time${op.expiresAt ? ` (the request expired ${slackDate(op.expiresAt)})` : ''}. Nothing was run; start a new request if it is still needed.`;
  return { text, blocks: [mrkdwn(text)] };
}

/** Says that a follow-up (e.g. an undo) was proposed below, or why it could not be. */
export function renderFollowUp(why: string, operationId?: string, error?: string): SlackMessage {
  const text = operationId
    ? `:leftwards_arrow_with_hook: ${escapeMrkdwn(why)} Proposed as \`${operationId}\` in this thread; it needs its own approval.`
    : `:warning: ${escapeMrkdwn(why)} I could not propose it: ${escapeMrkdwn(error ?? 'unknown error')}.`;
  return { text, blocks: [mrkdwn(text)] };
}

export function renderCancelled(op: Operation, userId: string): SlackMessage {
  const ranBefore = op.results.some((r) => r.outcome === 'interrupted');
  const text = ranBefore
    ? `:no_entry_sign: <@${userId}> closed this operation after the interruption. The step was not run again.`
    : `:no_entry_sign: <@${userId}> cancelled this operation. Nothing was run.`;
  return { text, blocks: [mrkdwn(text), context(`\`${op.id}\``)] };
}

/** The answer of a "check state" after an interruption. */
export function renderStateChecked(step: Step, userId: string, outcome: StepOutcome): SlackMessage {
  const icon = outcome.ok ? ':mag:' : ':x:';
  const lines = [`${icon} <@${userId}> checked the state of *${escapeMrkdwn(step.title)}*: ${escapeMrkdwn(outcome.summary)}`];
  if (outcome.details && outcome.details.length > 0) lines.push(renderLines(outcome.details));
  return { text: `State of ${escapeMrkdwn(step.title)}: ${outcome.summary}`, blocks: [mrkdwn(lines.join('\n'))] };
}

/** "Run again" was asked: the step waits for a fresh approval. */
export function renderRerunRequested(op: Operation, step: Step, userId: string): SlackMessage {
  const text = `:repeat: <@${userId}> asked to run *${escapeMrkdwn(step.title)}* again. It was re-planned from fresh lookups and needs a new approval from someone who is neither <@${op.requester}> nor <@${userId}> (four eyes: asking for a re-run makes you a requester): review the preview on the message above (attempt ${attemptOf(op, step.id)}).`;
  return { text: `${escapeMrkdwn(step.title)} will run again after a fresh approval`, blocks: [mrkdwn(text)] };
}

/** What was released after the operation ended unused (e.g. prepared change sets deleted). */
export function renderCleanedUp(text: string): SlackMessage {
  const line = `:broom: ${escapeMrkdwn(text)}`;
  return { text: line, blocks: [mrkdwn(line)] };
}
