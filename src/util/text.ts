/** Escapes Slack mrkdwn control characters so user text is shown, never interpreted. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User input echoed back in a message: control characters removed, escaped, shortened, in code quotes. */
export function showInput(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/`/g, "'");
  const short = clean.length > max ? `${clean.slice(0, max)}…` : clean;
  return `\`${escapeMrkdwn(short)}\``;
}

/** Truncates text to Slack's block text limits with a visible marker. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 20)}\n… (truncated)`;
}
