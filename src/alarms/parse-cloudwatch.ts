import type { AlarmState, CloudWatchAlarm } from './types';
import { isRecord, plain, textsOf, type ChannelMessage } from './message';

// CloudWatch alarm names: 1-255 printable characters; we keep to what real names use.
const NAME = /^[\w .:/#+=@,()[\]-]{1,255}$/;
const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const STATES: readonly AlarmState[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/** SNS's long region names (the `Region` field of the alarm JSON) to region codes, for the common ones. */
const REGION_NAMES: Record<string, string> = {
  'US East (N. Virginia)': 'us-east-1',
  'US East (Ohio)': 'us-east-2',
  'US West (Oregon)': 'us-west-2',
  'US West (N. California)': 'us-west-1',
  'South America (Sao Paulo)': 'sa-east-1',
  'South America (São Paulo)': 'sa-east-1',
  'EU (Ireland)': 'eu-west-1',
  'EU - Ireland': 'eu-west-1',
};

/** The CloudWatch alarm notification JSON (SNS message body) pasted as text, or undefined. */
export function parseSnsAlarmJson(text: string): CloudWatchAlarm | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start || end - start > 50_000) return undefined;
  // Slack wraps pasted JSON in ``` and escapes &, <, >; a paste outside a code block may get typographic quotes.
  const raw = plain(text.slice(start, end + 1));
  const json = tryJson(raw) ?? tryJson(raw.replace(/[\u201c\u201d]/g, '"'));
  if (!isRecord(json)) return undefined;
  // An SNS envelope ({"Type":"Notification","Message":"{...}"}) carries the alarm as a string.
  if (typeof json.Message === 'string' && json.AlarmName === undefined) return parseSnsAlarmJson(json.Message);
  const name = json.AlarmName;
  const state = json.NewStateValue;
  if (typeof name !== 'string' || !NAME.test(name) || !STATES.includes(state as AlarmState)) return undefined;
  const arnRegion = typeof json.AlarmArn === 'string' ? /^arn:aws[\w-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:/.exec(json.AlarmArn) : null;
  const region = arnRegion?.[1] ?? (typeof json.Region === 'string' ? (REGION_CODE.test(json.Region) ? json.Region : REGION_NAMES[json.Region]) : undefined);
  const account = typeof json.AWSAccountId === 'string' && ACCOUNT.test(json.AWSAccountId) ? json.AWSAccountId : arnRegion?.[2];
  const alarm: CloudWatchAlarm = { kind: 'cloudwatch', name, state: state as AlarmState };
  if (typeof json.NewStateReason === 'string') alarm.reason = json.NewStateReason.slice(0, 1000);
  if (region) alarm.region = region;
  if (account) alarm.account = account;
  const trigger = json.Trigger;
  if (isRecord(trigger)) {
    const dimensions: Record<string, string> = {};
    for (const d of Array.isArray(trigger.Dimensions) ? trigger.Dimensions.slice(0, 30) : []) {
      // SNS spells them {"value","name"}; the API spells them {"Name","Value"}.
      if (!isRecord(d)) continue;
      const k = d.name ?? d.Name;
      const v = d.value ?? d.Value;
      if (typeof k === 'string' && typeof v === 'string') dimensions[k] = v;
    }
    alarm.metric = { dimensions };
    if (typeof trigger.Namespace === 'string') alarm.metric.namespace = trigger.Namespace;
    if (typeof trigger.MetricName === 'string') alarm.metric.name = trigger.MetricName;
  }
  return alarm;
}

// AWS Chatbot titles its CloudWatch posts "<emoji> CloudWatch Alarm | <name> | <region> | Account: <id>"
// (the account part is missing in some layouts).
const CHATBOT_TITLE = /CloudWatch Alarm \| ([^|\n]+?) \| ([a-z]{2}(?:-[a-z]+)+-\d)(?: \| Account: (\d{12}))?/;

/** A CloudWatch alarm as AWS Chatbot posts it (attachments or blocks), or undefined. */
export function parseChatbotAlarm(message: ChannelMessage): CloudWatchAlarm | undefined {
  const texts = textsOf(message).map(plain);
  const all = texts.join('\n');
  const title = CHATBOT_TITLE.exec(all);
  if (!title) return undefined;
  const name = title[1]!.trim();
  if (!NAME.test(name)) return undefined;
  const alarm: CloudWatchAlarm = { kind: 'cloudwatch', name, state: chatbotState(message, all), region: title[2]! };
  if (title[3]) alarm.account = title[3];
  const reason = /(Threshold Crossed:[^\n]*)/.exec(all)?.[1];
  if (reason) alarm.reason = reason.slice(0, 1000);
  const metric = chatbotMetric(all);
  if (metric) alarm.metric = metric;
  return alarm;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function chatbotState(message: ChannelMessage, all: string): AlarmState {
  const field = /(?:State|Current State|New State)\s*:?\s*\*?\s*(ALARM|OK|INSUFFICIENT_DATA)\b/.exec(all)?.[1];
  if (field) return field as AlarmState;
  const arrow = /\b(?:ALARM|OK|INSUFFICIENT_DATA)\s*(?:->|→)\s*(ALARM|OK|INSUFFICIENT_DATA)\b/.exec(all)?.[1];
  if (arrow) return arrow as AlarmState;
  // Chatbot colours the attachment: red for ALARM, green for OK.
  const color = (message.attachments ?? []).map((a) => (isRecord(a) ? a.color : undefined)).find((c) => typeof c === 'string');
  if (color === 'good' || color === '#2eb886' || /:large_green_circle:|:white_check_mark:/.test(all)) return 'OK';
  if (/INSUFFICIENT_DATA/.test(all)) return 'INSUFFICIENT_DATA';
  return 'ALARM';
}

function chatbotMetric(all: string): CloudWatchAlarm['metric'] | undefined {
  const namespace = /Namespace\s*:\s*\*?\s*([\w/.-]+)/.exec(all)?.[1];
  const name = /Metric(?: Name)?\s*:\s*\*?\s*([\w.-]+)/.exec(all)?.[1];
  const dimensions: Record<string, string> = {};
  const dims = /Dimensions\s*:\s*\*?\s*([^\n]+)/.exec(all)?.[1];
  for (const m of (dims ?? '').matchAll(/([\w.-]+)\s*[=:]\s*([\w./:-]+)/g)) dimensions[m[1]!] = m[2]!;
  if (!namespace && !name && Object.keys(dimensions).length === 0) return undefined;
  return { namespace, name, dimensions };
}
