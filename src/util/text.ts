/** Escapes Slack mrkdwn control characters so user text is shown, never interpreted. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User input echoed back in a message: control characters removed, escaped, shortened, in code quotes. */
export function showInput(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/`/g, "'");
  const chars = Array.from(clean); // by code point, so an emoji is never cut in half
  const short = chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
  return `\`${escapeMrkdwn(short)}\``;
}

/** Decodes the three entities Slack escapes in the text it sends us (`&amp;`, `&lt;`, `&gt;`). */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Truncates mrkdwn to Slack's limits with a visible marker, never leaving a code block open or an entity cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 24).replace(/&[a-z]{0,4}$/, '');
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += '```';
  return `${cut}\n… (truncated)`;
}
