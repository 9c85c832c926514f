import { plain, textsOf, type ChannelMessage } from './message';
import { parseAirflowFailure } from './parse-airflow';
import { parseChatbotAlarm, parseSnsAlarmJson } from './parse-cloudwatch';
import { datomicFromCloudWatch, parseDatomicText } from './parse-datomic';
import type { Alarm, AlarmDetails } from './types';

/** The alarm a channel post announces, or undefined for anything else. Pure: no I/O, never throws. */
export function parseAlarmMessage(message: ChannelMessage): Alarm | undefined {
  let details: AlarmDetails | undefined;
  try {
    details = recognise(message);
  } catch {
    return undefined; // a hostile post is simply not an alarm
  }
  if (!details) return undefined;
  const source = { channel: message.channel, ts: message.ts, ...(message.threadTs ? { threadTs: message.threadTs } : {}) };
  return { ...details, key: keyOf(details), source };
}

function recognise(message: ChannelMessage): AlarmDetails | undefined {
  const text = textsOf(message).map(plain).join('\n');
  const cloudwatch = parseSnsAlarmJson(message.text ?? '') ?? parseChatbotAlarm(message);
  if (cloudwatch) return datomicFromCloudWatch(cloudwatch) ?? cloudwatch;
  return parseDatomicText(text) ?? parseAirflowFailure(text);
}

/** Repeats of the same alarm share a key, so they join the operation already open for it. */
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
