import type { AirflowTaskFailure } from './types';

const ID = /^[\w.-]{1,250}$/;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;

/**
 * An Airflow task failure post, or undefined. The common `on_failure_callback` posts
 * ("Task Failed." then `*Task*: t`, `*Dag*: d`, `*Execution Time*: ...`, `*Log Url*: ...") and the
 * log URL's own query (`dag_id=...&task_id=...&execution_date=...`) are both understood.
 */
export function parseAirflowFailure(text: string): AirflowTaskFailure | undefined {
  if (!/\b(task|dag)\b[^\n]*\bfail|\bfailed\b/i.test(text)) return undefined;
  const field = (label: string): string | undefined => new RegExp(`\\*?${label}\\*?\\s*:\\s*\\*?\\s*([^\\n*]+)`, 'i').exec(text)?.[1]?.trim();
  const logUrl = /https?:\/\/[^\s()<>|]+/.exec(field('Log Url') ?? '')?.[0];
  const query = logUrl ? safeQuery(logUrl) : undefined;
  const dagId = field('Dag') ?? query?.get('dag_id') ?? undefined;
  const taskId = field('Task') ?? query?.get('task_id') ?? undefined;
  if (!dagId || !ID.test(dagId) || (taskId !== undefined && !ID.test(taskId))) return undefined;
  const alarm: AirflowTaskFailure = { kind: 'airflow-task-failure', dagId, state: 'ALARM' };
  if (taskId) alarm.taskId = taskId;
  const executionDate = field('Execution Time') ?? field('Execution Date') ?? query?.get('execution_date') ?? undefined;
  if (executionDate && executionDate.length <= 64) alarm.executionDate = executionDate;
  const runId = field('Run Id') ?? field('Run') ?? undefined;
  if (runId && ID.test(runId.replace(/[:+]/g, '_'))) alarm.runId = runId;
  if (logUrl && /^https?:\/\//.test(logUrl) && logUrl.length <= 2000) alarm.logUrl = logUrl;
  const tx = /transaction[^\n]*/i.exec(text)?.[0];
  const txId = tx ? UUID.exec(tx)?.[0] : undefined;
  if (txId) alarm.transactionId = txId.toLowerCase();
  return alarm;
}

function safeQuery(url: string): URLSearchParams | undefined {
  try {
    return new URL(url.replace(/&amp;/g, '&')).searchParams;
  } catch {
    return undefined;
  }
}
