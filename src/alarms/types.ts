/**
 * What the alarm listener recognised in a channel post. Parsers (src/alarms/parse-*.ts) turn Slack
 * messages into these; routes (src/alarms/routes.ts) decide which runbook, if any, handles them.
 */
export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** Which layout the post had: explain says it, and the metrics count unrouted alarms by source. */
export type AlarmShape = 'chatbot-attachment' | 'chatbot-blocks' | 'cloudwatch-text' | 'sns-json' | 'airflow-callback' | 'airflow-notifier' | 'datomic-text';

/** A CloudWatch alarm notification (AWS Chatbot post, plain-text notification, or the raw SNS JSON pasted as text). */
export interface CloudWatchAlarm {
  kind: 'cloudwatch';
  name: string;
  state: AlarmState;
  reason?: string;
  region?: string;
  account?: string;
  /** AlarmDescription, from the post or from DescribeAlarms. */
  description?: string;
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

/** An Airflow task (or DAG) failure post (e.g. the dagão, or a dataset/model build task). */
export interface AirflowTaskFailure {
  kind: 'airflow-task-failure';
  dagId: string;
  taskId?: string;
  runId?: string;
  /** The run's logical date (Airflow 2 called it execution_date), as the post wrote it. */
  executionDate?: string;
  logUrl?: string;
  /** The Metapod transaction the run belongs to, when the post names it. */
  transactionId?: string;
  state: AlarmState;
}

export type AlarmDetails = CloudWatchAlarm | DatomicSelfDestruct | AirflowTaskFailure;

/** A recognised alarm with where it was posted and the key of the post's own alarm. */
export type Alarm = AlarmDetails & {
  /** Same alarm firing again -> same key (e.g. `cloudwatch:<account>:<region>:<name>`). Routing keys by target instead. */
  key: string;
  /** The layout the alarm was read from. */
  shape?: AlarmShape;
  /** The post's readable text (bounded), for routes that match on text. */
  text?: string;
  source: { channel: string; ts: string; threadTs?: string };
};
