import { regionCode } from './aws-regions';
import { isRecord, labelledLines, linksOf, plain, type ChannelMessage } from './message';
import { isAccount, isAlarmName, parseConsoleAlarmLink, stateOf } from './parse-cloudwatch';
import type { AlarmShape, AlarmState, CloudWatchAlarm } from './types';

const TITLE_MARK = 'CloudWatch Alarm |';
const OK_COLORS = new Set(['good', '#2eb886', '#36a64f']);
const OK_EMOJI = [':large_green_circle:', ':white_check_mark:', ':heavy_check_mark:'];

/**
 * A CloudWatch alarm as AWS Chatbot (Amazon Q Developer in chat applications) posts it: a legacy
 * attachment (title `CloudWatch Alarm | <name> | <region> | Account: <id>`, text, fields, footer,
 * colour) or Block Kit sections with the same title and `*Label:* value` fields. Read from the
 * message's structure; undefined when no part of it has that title.
 */
export function parseChatbotAlarm(message: ChannelMessage): { alarm: CloudWatchAlarm; shape: AlarmShape } | undefined {
  for (const a of Array.isArray(message.attachments) ? message.attachments.slice(0, 20) : []) {
    if (!isRecord(a)) continue;
    const head = [a.title, a.fallback, a.pretext]
      .map(str)
      .map(titleOf)
      .find((t) => t !== undefined);
    if (!head) continue;
    const fields = new Map<string, string>();
    for (const f of Array.isArray(a.fields) ? a.fields.slice(0, 50) : []) {
      if (isRecord(f) && typeof f.title === 'string' && typeof f.value === 'string')
        fields.set(f.title.replace(/[*_:]/g, '').trim().toLowerCase(), plain(f.value).trim());
    }
    const texts = [a.text]
      .map(str)
      .filter((t): t is string => t !== undefined)
      .map(plain);
    labelledLines([...texts, plain(str(a.footer) ?? '')], fields);
    const links = [...(typeof a.title_link === 'string' ? [a.title_link] : []), ...linksOf([str(a.text) ?? ''])];
    return { alarm: build(head, fields, texts, links, typeof a.color === 'string' ? a.color : undefined, str(a.title) ?? ''), shape: 'chatbot-attachment' };
  }
  const blockTexts = textsOfBlocks(message.blocks);
  const headIndex = blockTexts.findIndex((t) => titleOf(t) !== undefined);
  if (headIndex < 0) return undefined;
  const head = titleOf(blockTexts[headIndex])!;
  const rest = blockTexts.filter((_, i) => i !== headIndex);
  const plainRest = rest.map(plain);
  return { alarm: build(head, labelledLines(plainRest), plainRest, linksOf(blockTexts), undefined, blockTexts[headIndex]!), shape: 'chatbot-blocks' };
}

interface Head {
  name: string;
  region: string;
  account?: string;
}

/** `[emoji] CloudWatch Alarm | <name> | <region> [| Account: <id>]`, split on its `|` separators. */
function titleOf(text: string | undefined): Head | undefined {
  if (!text) return undefined;
  const t = plain(text).replace(/\*/g, '');
  const at = t.indexOf(TITLE_MARK);
  if (at < 0) return undefined;
  const [, rawName, rawRegion, rawAccount] = t
    .slice(at)
    .split('\n')[0]!
    .split('|')
    .map((p) => p.trim());
  const region = regionCode(rawRegion);
  if (!isAlarmName(rawName) || !region) return undefined;
  const account = rawAccount?.startsWith('Account:') ? rawAccount.slice('Account:'.length).trim() : undefined;
  return { name: rawName, region, ...(isAccount(account) ? { account } : {}) };
}

function build(head: Head, fields: Map<string, string>, texts: string[], links: string[], color: string | undefined, title: string): CloudWatchAlarm {
  const alarm: CloudWatchAlarm = { kind: 'cloudwatch', name: head.name, state: 'ALARM', region: head.region };
  if (head.account) alarm.account = head.account;
  const lines = texts
    .flatMap((t) => t.split('\n'))
    .map((l) => l.trim())
    .filter(Boolean);
  const isReason = (l: string): boolean => l.startsWith('Threshold Crossed') || l.startsWith('Insufficient Data');
  const reason = fields.get('reason') ?? fields.get('state reason') ?? lines.find(isReason);
  if (reason) alarm.reason = reason.slice(0, 1000);
  const description = fields.get('description') ?? fields.get('alarm description') ?? lines.find((l) => !isReason(l) && !l.includes(':') && l.length > 3);
  if (description) alarm.description = description.slice(0, 1024);
  alarm.state = stateFrom(fields, reason, color, title);
  const namespace = fields.get('namespace');
  const metricName = fields.get('metric') ?? fields.get('metric name') ?? fields.get('metricname');
  const dimensions = parseDimensions(fields.get('dimensions') ?? '');
  if (namespace || metricName || Object.keys(dimensions).length > 0) {
    alarm.metric = { dimensions };
    if (namespace) alarm.metric.namespace = namespace;
    if (metricName) alarm.metric.name = metricName;
  }
  // A console link in the post is the most precise statement of the region.
  const link = links.map(parseConsoleAlarmLink).find((l) => l?.name === head.name);
  if (link?.region) alarm.region = link.region;
  return alarm;
}

function stateFrom(fields: Map<string, string>, reason: string | undefined, color: string | undefined, title: string): AlarmState {
  for (const label of ['state', 'alarm state', 'new state', 'current state']) {
    const s = stateOf(fields.get(label)?.split(/\s/)[0]);
    if (s) return s;
  }
  // "(minimum 1 datapoint for OK -> ALARM transition)": the word after the arrow.
  const arrow = reason?.lastIndexOf('->') ?? -1;
  const after =
    arrow >= 0
      ? stateOf(
          reason!
            .slice(arrow + 2)
            .trim()
            .split(/\s/)[0],
        )
      : undefined;
  if (after) return after;
  if ((color && OK_COLORS.has(color.toLowerCase())) || OK_EMOJI.some((e) => title.includes(e))) return 'OK';
  return 'ALARM';
}

/** `TableName=prod-x, Operation=PutItem` (or `Name: value` pairs, one per line) as a map. */
export function parseDimensions(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value
    .replace(/[[\]{}`]/g, '')
    .split(/[,;\n]/)
    .slice(0, 30)) {
    const sep = [part.indexOf('='), part.indexOf(':')].filter((i) => i > 0).sort((x, y) => x - y)[0];
    if (sep === undefined) continue;
    const k = part.slice(0, sep).trim();
    const v = part.slice(sep + 1).trim();
    if (k && v && k.length <= 255 && v.length <= 1024 && !/\s/.test(k)) out[k] = v;
  }
  return out;
}

/** The texts of Block Kit blocks in order: header, section text and fields, context elements. */
function textsOfBlocks(blocks: unknown): string[] {
  const out: string[] = [];
  for (const b of Array.isArray(blocks) ? blocks.slice(0, 50) : []) {
    if (!isRecord(b)) continue;
    if (isRecord(b.text) && typeof b.text.text === 'string') out.push(b.text.text.slice(0, 5000));
    for (const f of Array.isArray(b.fields) ? b.fields.slice(0, 20) : []) if (isRecord(f) && typeof f.text === 'string') out.push(f.text.slice(0, 2000));
    for (const e of Array.isArray(b.elements) ? b.elements.slice(0, 20) : []) if (isRecord(e) && typeof e.text === 'string') out.push(e.text.slice(0, 2000));
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
