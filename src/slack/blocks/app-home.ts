import type { UnroutedEntry } from '../../alarms/unrouted';
import type { Operation } from '../../operations/types';
import { escapeMrkdwn } from '../../util/text';
import { OPEN_FORM_ACTION } from '../forms/form-view';
import { context, identity, mrkdwn, riskLabel, slackDate, stateLabel, type Block } from './format';

/** What the App Home shows one person. */
export interface AppHomeContent {
  /** Operations waiting for an approval this person may give. */
  toApprove: Operation[];
  /** This person's own requests still waiting for someone else. */
  mine: Operation[];
  recent: Operation[];
  /** Alarms seen and claimed by no route (this replica's latest), when the listener runs. */
  unrouted?: UnroutedEntry[];
  /** Recent operations whose timeline was exported into their thread, with when. */
  exported?: { op: Operation; at: string }[];
}

/** A Home tab view (`views.publish`). */
export interface HomeView {
  type: 'home';
  blocks: Block[];
}

// Slack allows 100 blocks per view; each list is capped well below that.
const MAX_LISTED = 10;

function where(op: Operation): string {
  return op.location.messageTs ? ` · in <#${op.location.channel}>` : '';
}

function pendingLine(op: Operation): string {
  const step = op.plan.steps[op.currentStep];
  const expires = op.expiresAt ? ` · expires ${slackDate(op.expiresAt)}` : '';
  return `*${escapeMrkdwn(op.plan.title)}*${step ? ` · ${escapeMrkdwn(step.title)} (${riskLabel(step.risk)})` : ''}\n${identity(op)}${where(op)}${expires}`;
}

function section(title: string, ops: Operation[], line: (op: Operation) => string, empty: string): Block[] {
  const shown = ops.slice(0, MAX_LISTED);
  const more = ops.length > shown.length ? [context(`…and ${ops.length - shown.length} more. \`/runbook status\` lists them.`)] : [];
  return [
    { type: 'header', text: { type: 'plain_text', text: title } },
    ...(shown.length === 0 ? [context(empty)] : shown.map((op) => mrkdwn(line(op)))),
    ...more,
  ];
}

/** The Home tab: what waits for the viewer, their own pending requests, and the latest operations. */
export function renderAppHome(content: AppHomeContent): HomeView {
  const listed = new Set([...content.toApprove.slice(0, MAX_LISTED), ...content.mine.slice(0, MAX_LISTED)].map((op) => op.id));
  return {
    type: 'home',
    blocks: [
      mrkdwn('*runbook-bot* turns the on-call runbook into previewed, approved, audited operations. Type `/runbook help` in the on-call channel.'),
      // Opens the runbook form (registered in slack/forms/register.ts), for those who do not remember a grammar.
      {
        type: 'actions',
        block_id: 'home:form',
        elements: [{ type: 'button', action_id: OPEN_FORM_ACTION, text: { type: 'plain_text', text: 'Run a runbook…' } }],
      },
      ...section('Waiting for your approval', content.toApprove, pendingLine, 'Nothing is waiting for your approval.'),
      ...section('Your requests awaiting approval', content.mine, pendingLine, 'You have no requests waiting for approval.'),
      // An operation listed above as waiting is not repeated among the recent ones.
      ...section(
        'Recent operations',
        content.recent.filter((op) => !listed.has(op.id)),
        (op) => `${stateLabel(op.state)} · *${escapeMrkdwn(op.plan.title)}* · ${identity(op)}${where(op)}`,
        'No operations yet.',
      ),
      ...(content.unrouted ? unroutedSection(content.unrouted) : []),
      ...exportedSection(content.exported ?? []),
      { type: 'divider' },
      context(`Updated ${slackDate(new Date().toISOString())}. Open this tab again to refresh.`),
    ],
  };
}

/** "Seen, not handled": alarms no route claimed, with the reason, so someone can write the missing route. */
function unroutedSection(entries: UnroutedEntry[]): Block[] {
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Alarms seen, not handled' } },
    ...(entries.length === 0
      ? [context('Every alarm seen since this replica started was routed (or none was seen).')]
      : entries
          .slice(0, MAX_LISTED)
          .map((u) =>
            mrkdwn(`\`${escapeMrkdwn(u.subject)}\` · ${u.source}, ${u.shape} · in <#${u.channel}> ${slackDate(u.at)}\n${escapeMrkdwn(u.reason).slice(0, 500)}`),
          )),
    context("No reply was posted for these. `/runbook alarms explain <message link>` shows every route's verdict; routes live in runbook-bot.yml."),
  ];
}

/** Links to the threads holding recently exported timelines (only when there are some). */
function exportedSection(exported: readonly { op: Operation; at: string }[]): Block[] {
  if (exported.length === 0) return [];
  const line = ({ op, at }: { op: Operation; at: string }): string =>
    `:page_facing_up: *${escapeMrkdwn(op.plan.title)}* · \`${op.id}-timeline.md\` and \`.json\`${where(op)} (thread of the operation) · exported ${slackDate(at)}`;
  return [{ type: 'header', text: { type: 'plain_text', text: 'Recent timelines' } }, ...exported.slice(0, MAX_LISTED).map((e) => mrkdwn(line(e)))];
}
