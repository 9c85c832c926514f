import { context, mrkdwn, type SlackMessage } from './format';

/** `/runbook help`: every available usage line. */
export function renderHelp(usage: readonly string[]): SlackMessage {
  const text = `*runbook-bot* turns the on-call runbook into approved, audited operations.\n\`\`\`${usage.join('\n')}\`\`\``;
  const blocks = [mrkdwn(text)];
  blocks.push(context('Mutating steps need one approver who is not the requester; destructive steps need two.'));
  return { text: 'runbook-bot usage', blocks };
}

/** A malformed command: what was wrong, then the usage to follow. */
export function renderUsageError(error: string, usage: readonly string[]): SlackMessage {
  return { text: error, blocks: [mrkdwn(`:warning: ${error}`), mrkdwn(`*Usage*\n\`\`\`${usage.join('\n')}\`\`\``)] };
}
