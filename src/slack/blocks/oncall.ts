import type { SlackMessage } from './format';
import { mrkdwn } from './format';
import { escapeMrkdwn } from '../../util/text';

/** What `/runbook oncall` learned about one schedule. */
export type OnCallAnswer = { schedule: string; userIds: string[]; unmapped: string[] } | { schedule: string; error: string };

/** `/runbook oncall`: who is on call now for each configured schedule (or why it could not be read). */
export function renderOnCall(answers: readonly OnCallAnswer[]): SlackMessage {
  if (answers.length === 0) {
    const text = 'No on-call schedule is configured. Declare them under `approvals.oncall.schedules` in runbook-bot.yml.';
    return { text, blocks: [mrkdwn(text)] };
  }
  const lines = answers.map((a) => {
    if ('error' in a) return `:warning: *${escapeMrkdwn(a.schedule)}*: could not be read (${escapeMrkdwn(a.error)})`;
    const people = a.userIds.map((u) => `<@${u}>`);
    const strangers = a.unmapped.map((e) => `${escapeMrkdwn(e)} (no Slack user with this e-mail)`);
    const who = [...people, ...strangers].join(', ') || 'nobody';
    return `:pager: *${escapeMrkdwn(a.schedule)}*: ${who}`;
  });
  const text = `*On call now*\n${lines.join('\n')}`;
  return { text, blocks: [mrkdwn(text)] };
}
