import { context, mrkdwn, type SlackMessage } from './format';

/** `/runbook help`: every available usage line, and what is planned. */
export function renderHelp(usage: readonly string[], planned: readonly string[]): SlackMessage {
  const text = `*runbook-bot* turns the on-call runbook into approved, audited operations.\n\`\`\`${usage.join('\n')}\`\`\``;
  const blocks = [mrkdwn(text)];
  if (planned.length > 0) blocks.push(context(`Not available yet: ${planned.map((p) => `\`${p}\``).join(', ')}.`));
  blocks.push(context('Mutating steps need one approver who is not the requester; destructive steps need two.'));
  return { text: 'runbook-bot usage', blocks };
}

/** A malformed command: what was wrong, then the usage to follow. */
export function renderUsageError(error: string, usage: readonly string[]): SlackMessage {
  return { text: error, blocks: [mrkdwn(`:warning: ${error}`), mrkdwn(`*Usage*\n\`\`\`${usage.join('\n')}\`\`\``)] };
}
