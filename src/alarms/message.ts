/** The parts of a Slack channel message the alarm parsers read (integrations use attachments and blocks). */
export interface ChannelMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  attachments?: unknown[];
  blocks?: unknown[];
}

// Alarm posts are small; anything bigger is not an alarm and is not worth scanning.
const MAX_TEXT = 20_000;

/** Every piece of human-readable text in a message (text, attachment titles/fields, block texts), in order. */
export function textsOf(message: ChannelMessage): string[] {
  const out: string[] = [];
  let budget = MAX_TEXT;
  const push = (v: unknown): void => {
    if (typeof v !== 'string' || v.length === 0 || budget <= 0) return;
    const s = v.slice(0, budget);
    budget -= s.length;
    out.push(s);
  };
  push(message.text);
  for (const a of Array.isArray(message.attachments) ? message.attachments.slice(0, 20) : []) {
    if (!isRecord(a)) continue;
    for (const key of ['pretext', 'title', 'text', 'fallback', 'footer']) push(a[key]);
    for (const f of Array.isArray(a.fields) ? a.fields.slice(0, 50) : []) {
      if (isRecord(f)) push(typeof f.title === 'string' && typeof f.value === 'string' ? `${f.title}: ${f.value}` : f.value);
    }
  }
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || budget <= 0) return;
    if (Array.isArray(v)) v.slice(0, 50).forEach((x) => walk(x, depth + 1));
    else if (isRecord(v)) {
      if (typeof v.text === 'string') push(v.text);
      for (const x of Object.values(v)) if (typeof x === 'object') walk(x, depth + 1);
    }
  };
  walk(message.blocks, 0);
  return out;
}

/** Slack escapes &, < and >; links look like <url|label>. Plain text for the parsers. */
export function plain(text: string): string {
  return text
    .replace(/<(https?:[^|>]*)\|([^>]*)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
