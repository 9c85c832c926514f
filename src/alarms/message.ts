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

/**
 * The URLs a message links to, read token by token: Slack's link markup `<url|label>` / `<url>`, and bare
 * `http(s)://` words (a paste into a slash command arrives without markup). At most 20.
 */
export function linksOf(texts: string[]): string[] {
  const out: string[] = [];
  for (const text of texts) {
    let i = 0;
    while (out.length < 20) {
      const open = text.indexOf('<', i);
      if (open < 0) break;
      const close = text.indexOf('>', open);
      if (close < 0) break;
      const inner = text.slice(open + 1, close).split('|')[0]!;
      if (inner.startsWith('http://') || inner.startsWith('https://')) out.push(inner.replace(/&amp;/g, '&'));
      i = close + 1;
    }
    for (const word of text.split(/\s+/)) {
      if (out.length >= 20) break;
      const w = word.replace(/^[(<"'`]+|[)>"'`.,;]+$/g, '');
      if ((w.startsWith('http://') || w.startsWith('https://')) && !w.includes('|') && !out.includes(w)) out.push(w.replace(/&amp;/g, '&'));
    }
  }
  return out;
}

/** `*Label:* value` / `Label: value` lines of a text, labels lowercased without Slack emphasis (first value wins). */
export function labelledLines(texts: string[], into: Map<string, string> = new Map()): Map<string, string> {
  for (const text of texts) {
    for (const rawLine of text.split('\n').slice(0, 100)) {
      // Only `*` is stripped: `_` is part of values such as run ids (`scheduled__2026-...`).
      const line = rawLine.replace(/\*/g, '').replace(/^[\s•·-]+/, '');
      const colon = line.indexOf(':');
      if (colon <= 0 || colon > 30) continue;
      const label = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (label && value && !label.includes('http') && !into.has(label)) into.set(label, value);
    }
  }
  return into;
}
