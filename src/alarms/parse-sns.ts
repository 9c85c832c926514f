import { regionCode } from './aws-regions';
import { isRecord, plain } from './message';
import { isAccount, isAlarmName, stateOf } from './parse-cloudwatch';
import type { CloudWatchAlarm } from './types';

const MAX_JSON = 50_000;

/**
 * The CloudWatch alarm notification JSON (the SNS message body AWS documents) pasted as text, or
 * undefined. Also unwraps the SNS envelope (`{"Type":"Notification","Message":"{...}"}`) and the
 * Lambda event (`{"Records":[{"Sns":{"Message":"{...}"}}]}`), whose `Message` is the alarm as a string.
 */
export function parseSnsAlarmJson(text: string): CloudWatchAlarm | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start || end - start > MAX_JSON) return undefined;
  // Slack wraps pasted JSON in ``` and escapes &, <, >; a paste outside a code block may get typographic quotes.
  const raw = plain(text.slice(start, end + 1));
  return fromJson(tryJson(raw) ?? tryJson(raw.replace(/[\u201c\u201d]/g, '"')), 0);
}

function fromJson(json: unknown, depth: number): CloudWatchAlarm | undefined {
  if (!isRecord(json) || depth > 3) return undefined;
  if (json.AlarmName === undefined) {
    const record: unknown = Array.isArray(json.Records) ? json.Records[0] : undefined;
    const message = isRecord(record) && isRecord(record.Sns) ? record.Sns.Message : json.Message;
    return typeof message === 'string' && message.length <= MAX_JSON ? fromJson(tryJson(message), depth + 1) : undefined;
  }
  const name = json.AlarmName;
  const state = stateOf(json.NewStateValue);
  if (!isAlarmName(name) || !state || json.NewStateValue !== state) return undefined;
  const arn = typeof json.AlarmArn === 'string' ? parseAlarmArn(json.AlarmArn) : undefined;
  const alarm: CloudWatchAlarm = { kind: 'cloudwatch', name, state };
  if (typeof json.NewStateReason === 'string') alarm.reason = json.NewStateReason.slice(0, 1000);
  if (typeof json.AlarmDescription === 'string' && json.AlarmDescription !== '') alarm.description = json.AlarmDescription.slice(0, 1024);
  const region = arn?.region ?? regionCode(typeof json.Region === 'string' ? json.Region : undefined);
  if (region) alarm.region = region;
  const account = isAccount(json.AWSAccountId) ? json.AWSAccountId : arn?.account;
  if (account) alarm.account = account;
  const trigger = json.Trigger;
  if (isRecord(trigger)) {
    const dimensions: Record<string, string> = {};
    for (const d of Array.isArray(trigger.Dimensions) ? trigger.Dimensions.slice(0, 30) : []) {
      // SNS spells them {"value","name"}; the API spells them {"Name","Value"}.
      if (!isRecord(d)) continue;
      const k = d.name ?? d.Name;
      const v = d.value ?? d.Value;
      if (typeof k === 'string' && typeof v === 'string' && k.length <= 255 && v.length <= 1024) dimensions[k] = v;
    }
    alarm.metric = { dimensions };
    if (typeof trigger.Namespace === 'string') alarm.metric.namespace = trigger.Namespace;
    if (typeof trigger.MetricName === 'string') alarm.metric.name = trigger.MetricName;
  }
  return alarm;
}

/** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>` read field by field (the name may contain `:`). */
export function parseAlarmArn(arn: string): { region?: string; account?: string; name: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || !parts[1]!.startsWith('aws') || parts[2] !== 'cloudwatch' || parts[5] !== 'alarm') return undefined;
  const name = parts.slice(6).join(':');
  if (!isAlarmName(name)) return undefined;
  return { region: regionCode(parts[3]), account: isAccount(parts[4]) ? parts[4] : undefined, name };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
