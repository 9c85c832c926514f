import { escapeMrkdwn } from '../util/text';
import type { Alarm } from './types';

/** One line saying what was recognised, for the alarm's thread (backend text escaped). */
export function describeAlarm(alarm: Alarm): string {
  const e = escapeMrkdwn;
  switch (alarm.kind) {
    case 'cloudwatch':
      return `the CloudWatch alarm *${e(alarm.name)}* (${alarm.state}${alarm.region ? `, ${e(alarm.region)}` : ''}${alarm.account ? `, account ${e(alarm.account)}` : ''})`;
    case 'datomic-self-destruct':
      return `a *Datomic self-destruct* of \`${e(alarm.service)}\` (${e(alarm.env ?? 'prod')}${alarm.prototype ? `, ${e(alarm.prototype)}` : ''})`;
    case 'airflow-task-failure':
      return `an *Airflow task failure*: \`${e(alarm.dagId)}\`${alarm.taskId ? ` / \`${e(alarm.taskId)}\`` : ''}${alarm.executionDate ? ` (${e(alarm.executionDate)})` : ''}`;
  }
}
