import { labelledLines, linksOf, plain } from './message';
import type { AirflowTaskFailure, AlarmShape } from './types';

const ID = /^[\w.-]{1,250}$/;
const RUN_ID = /^[\w.:+@-]{1,250}$/;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;

/** What an Airflow UI link says about the failed task. */
export interface AirflowLink {
  url: string;
  dagId?: string;
  taskId?: string;
  runId?: string;
  logicalDate?: string;
}

/**
 * Reads an Airflow UI link with `new URL`, in the three forms Airflow has used:
 * Airflow 2's old `/log?dag_id=&task_id=&execution_date=`, the newer `/dags/<dag>/grid?dag_run_id=&task_id=`,
 * and Airflow 3's `/dags/<dag>/runs/<run_id>/tasks/<task_id>`. A base path before `/dags` or `/log` is allowed.
 */
export function parseAirflowLink(raw: string): AirflowLink | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const segments = url.pathname.split('/').filter(Boolean).map(safeDecode);
  const q = url.searchParams;
  const link: AirflowLink = { url: url.href };
  const set = (key: 'dagId' | 'taskId' | 'runId' | 'logicalDate', v: string | null | undefined): void => {
    if (v) link[key] = v;
  };
  const dags = segments.indexOf('dags');
  if (segments.at(-1) === 'log' || segments.at(-1) === 'task') {
    set('dagId', q.get('dag_id'));
    set('taskId', q.get('task_id'));
    set('logicalDate', q.get('execution_date') ?? q.get('logical_date'));
    set('runId', q.get('dag_run_id'));
  } else if (dags >= 0 && segments[dags + 1]) {
    set('dagId', segments[dags + 1]);
    const after = segments.slice(dags + 2);
    if (after[0] === 'runs' && after[1]) set('runId', after[1]);
    if (after[2] === 'tasks' && after[3]) set('taskId', after[3]);
    set('runId', link.runId ?? q.get('dag_run_id'));
    set('taskId', link.taskId ?? q.get('task_id'));
    set('logicalDate', q.get('execution_date') ?? q.get('logical_date') ?? q.get('base_date'));
  } else return undefined;
  return link.dagId ? link : undefined;
}

/**
 * An Airflow failure post, or undefined. Two shapes: the classic `on_failure_callback` post ("Task Failed."
 * then `*Task*:`, `*Dag*:`, `*Execution Time*:`, `*Log Url*:` lines, sometimes `*Run Id*:`), and the
 * notifier posts of Airflow 2.6+/3 (`SlackNotifier`, `send_slack_webhook_notification`) whose text is
 * the team's own template: read from the labelled lines and the Airflow link it carries.
 */
export function parseAirflowFailure(texts: string[]): { alarm: AirflowTaskFailure; shape: AlarmShape } | undefined {
  const text = texts.map(plain).join('\n');
  const lower = text.toLowerCase();
  if (!lower.includes('fail')) return undefined;
  const fields = labelledLines(texts.map(plain));
  const field = (...labels: string[]): string | undefined =>
    labels
      .map((l) => fields.get(l))
      .find((v) => v !== undefined)
      ?.split(/\s+/)[0];
  const link = linksOf(texts)
    .map(parseAirflowLink)
    .find((l) => l !== undefined);
  const dagId = field('dag', 'dag id', 'dag_id') ?? link?.dagId;
  const taskId = field('task', 'task id', 'task_id') ?? link?.taskId;
  if (!dagId || !ID.test(dagId) || (taskId !== undefined && !ID.test(taskId))) return undefined;
  // The callback post has its fields; anything else must at least link to Airflow to count as Airflow's.
  const callback = fields.has('dag') && lower.includes('task failed');
  if (!callback && !link) return undefined;
  const alarm: AirflowTaskFailure = { kind: 'airflow-task-failure', dagId, state: 'ALARM' };
  if (taskId) alarm.taskId = taskId;
  const when = [fields.get('execution time'), fields.get('execution date'), fields.get('logical date'), link?.logicalDate].find((v) => v !== undefined)?.trim();
  if (when && when.length <= 64 && !/\s/.test(when)) alarm.executionDate = when;
  const runId = field('run id', 'run_id', 'dag run id', 'dag_run_id', 'run') ?? link?.runId;
  if (runId && RUN_ID.test(runId)) alarm.runId = runId;
  const logUrl = link?.url ?? linksOf([fields.get('log url') ?? ''])[0];
  if (logUrl && logUrl.length <= 2000) alarm.logUrl = logUrl;
  const tx = text.split('\n').find((l) => l.toLowerCase().includes('transaction'));
  const txId = tx ? UUID.exec(tx)?.[0] : undefined;
  if (txId) alarm.transactionId = txId.toLowerCase();
  return { alarm, shape: callback ? 'airflow-callback' : 'airflow-notifier' };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
