/**
 * What a person reads in a Slack message, and the words that should never be there: leaked
 * `undefined`/`null`/`NaN`, a stringified object, or an internal camelCase key used as a label
 * (`dagRunId:`, `changeSet:prod-...`). Code (``` blocks and `inline`) is verbatim preview of a call,
 * so keys are allowed there; the leaks are not.
 */

/** Every string a person can read in Block Kit: text objects (mrkdwn/plain_text) anywhere in the tree. */
export function readableTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(readableTexts);
  if (node === null || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = (o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string' ? [o.text] : [];
  // `value` and `action_id` travel back to the bot and are never shown.
  return [
    ...own,
    ...Object.entries(o)
      .filter(([k]) => k !== 'value' && k !== 'action_id' && k !== 'block_id')
      .flatMap(([, v]) => readableTexts(v)),
  ];
}

/** A message (fallback text and blocks) as the strings a person reads. */
export function messageTexts(message: { text?: unknown; blocks?: unknown }): string[] {
  return [...(typeof message.text === 'string' ? [message.text] : []), ...readableTexts(message.blocks ?? [])];
}

const LEAKS: [RegExp, string][] = [
  [/\bundefined\b/, 'undefined'],
  [/\bNaN\b/, 'NaN'],
  [/\[object \w+\]/, '[object Object]'],
];
// An internal key shown as a label: lower camelCase followed by a colon (not `https:` or `10:00`).
const CAMEL_KEY = /(?<![\w"'/.-])[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+:/;

function withoutCode(text: string): string {
  return text.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
}

/** The problems in one readable string (empty when it reads as human words). */
export function wordProblems(text: string, options: { allowKeys?: boolean } = {}): string[] {
  const problems = LEAKS.filter(([re]) => re.test(text)).map(([, what]) => what);
  const prose = withoutCode(text);
  if (/\bnull\b/.test(prose)) problems.push('null');
  const key = CAMEL_KEY.exec(prose);
  if (key && !options.allowKeys) problems.push(`unlabelled key ${key[0]}`);
  return problems;
}

/** Problems in every readable string of the messages, each with a bit of context to find it. */
export function findProblems(messages: { where: string; texts: string[] }[], options: { allowKeys?: boolean } = {}): string[] {
  return messages.flatMap(({ where, texts }) =>
    texts.flatMap((t) => wordProblems(t, options).map((p) => `${where}: ${p} in ${JSON.stringify(t.length > 300 ? `${t.slice(0, 300)}…` : t)}`)),
  );
}
