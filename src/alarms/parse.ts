import { plain, textsOf, type ChannelMessage } from './message';
import { parseAirflowFailure } from './parse-airflow';
import { parseChatbotAlarm } from './parse-chatbot';
import { parseCloudWatchText } from './parse-cloudwatch-text';
import { parseDatomicText } from './parse-datomic';
import { parseSnsAlarmJson } from './parse-sns';
import type { Alarm, AlarmDetails, AlarmShape } from './types';

/** The alarm a channel post announces, or undefined for anything else. Pure: no I/O, never throws. */
export function parseAlarmMessage(message: ChannelMessage): Alarm | undefined {
  let found: { details: AlarmDetails; shape: AlarmShape } | undefined;
  try {
    found = recognise(message);
  } catch {
    return undefined; // a hostile post is simply not an alarm
  }
  if (!found) return undefined;
  const source = { channel: message.channel, ts: message.ts, ...(message.threadTs ? { threadTs: message.threadTs } : {}) };
  return { ...found.details, key: keyOf(found.details), shape: found.shape, text: textsOf(message).map(plain).join('\n').slice(0, 20_000), source };
}

/** Tries each shape, most structured first: the SNS JSON, Chatbot's layouts, the plain-text notification, Datomic and Airflow posts. */
function recognise(message: ChannelMessage): { details: AlarmDetails; shape: AlarmShape } | undefined {
  const sns = parseSnsAlarmJson(message.text ?? '');
  if (sns) return { details: sns, shape: 'sns-json' };
  const chatbot = parseChatbotAlarm(message);
  if (chatbot) return { details: chatbot.alarm, shape: chatbot.shape };
  const texts = textsOf(message);
  const notification = parseCloudWatchText(texts);
  // A notification whose link names another alarm is refused as a whole, not re-read as something else.
  if (notification === 'contradiction') return undefined;
  if (notification) return { details: notification, shape: 'cloudwatch-text' };
  const datomic = parseDatomicText(texts.map(plain).join('\n'));
  if (datomic) return { details: datomic, shape: 'datomic-text' };
  const airflow = parseAirflowFailure(texts);
  return airflow ? { details: airflow.alarm, shape: airflow.shape } : undefined;
}

/** The post's own alarm identity (routing coalesces by the routed target instead, see routes.ts). */
export function keyOf(alarm: AlarmDetails): string {
  switch (alarm.kind) {
    case 'cloudwatch':
      return `cloudwatch:${alarm.account ?? '-'}:${alarm.region ?? '-'}:${alarm.name}`;
    case 'datomic-self-destruct':
      return `datomic:${alarm.env ?? 'prod'}:${alarm.prototype ?? '-'}:${alarm.service}`;
    case 'airflow-task-failure':
      // Per run, not per task: the dagão and build-failure runbooks look at the whole run (every failed
      // task), so a second task failing in the same run joins the open operation instead of a second one.
      return `airflow:${alarm.dagId}:${alarm.runId ?? alarm.executionDate ?? '-'}`;
  }
}
