/**
 * What the alarm listener recognised in a channel post. Parsers (src/alarms/parsers) turn Slack
 * messages into these; runbooks claim them through `Runbook.fromAlarm`.
 */
export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** A CloudWatch alarm notification (AWS Chatbot post or the raw SNS JSON pasted as text). */
export interface CloudWatchAlarm {
  kind: 'cloudwatch';
  name: string;
  state: AlarmState;
  reason?: string;
  region?: string;
  account?: string;
  metric?: { namespace?: string; name?: string; dimensions: Record<string, string> };
}

/** A Datomic transactor self-destruct for a service (usually DynamoDB throttling underneath). */
export interface DatomicSelfDestruct {
  kind: 'datomic-self-destruct';
  service: string;
  state: AlarmState;
  env?: string;
  prototype?: string;
  reason?: string;
}

/** An Airflow task failure post (e.g. the dagão, or a dataset/model build task). */
export interface AirflowTaskFailure {
  kind: 'airflow-task-failure';
  dagId: string;
  taskId?: string;
  runId?: string;
  executionDate?: string;
  logUrl?: string;
  /** The Metapod transaction the run belongs to, when the post names it. */
  transactionId?: string;
  state: AlarmState;
}

export type AlarmDetails = CloudWatchAlarm | DatomicSelfDestruct | AirflowTaskFailure;

/** A recognised alarm with where it was posted and the key that coalesces repeats of it. */
export type Alarm = AlarmDetails & {
  /** Same alarm firing again -> same key (e.g. `cloudwatch:<account>:<region>:<name>`). */
  key: string;
  source: { channel: string; ts: string; threadTs?: string };
};
