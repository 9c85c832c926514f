import { Counter, type Registry } from 'prom-client';
import type { RouteDecision } from './routes';
import { sourceOf } from './route-input';
import type { Alarm } from './types';

/** An alarm no route claimed, as the App Home lists it. */
export interface UnroutedEntry {
  at: string;
  source: string;
  shape: string;
  /** The alarm's name, DAG or service. */
  subject: string;
  channel: string;
  ts: string;
  /** Why nothing claimed it: the first failing condition of the closest route. */
  reason: string;
}

const KEEP = 25;

/**
 * Alarms seen and not handled: counted in /metrics by source and shape, and the latest few kept in
 * memory for the App Home. Memory, not the store: the list is a diagnostic aid that may be lost on
 * restart without harm, it would otherwise cost a store write per unrouted post in a storm, and every
 * store implementation would need a new table. With several replicas, each lists what it saw.
 */
export class UnroutedAlarms {
  private readonly entries: UnroutedEntry[] = [];
  private readonly counter?: Counter<'source' | 'shape'>;

  constructor(
    registry?: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (registry) {
      this.counter = new Counter({
        name: 'runbook_alarms_unrouted_total',
        help: 'Alarm posts recognised but claimed by no route (no reply was posted), by source and post shape.',
        labelNames: ['source', 'shape'],
        registers: [registry],
      });
    }
  }

  /** Counts and remembers one unrouted alarm. */
  record(alarm: Alarm, decision: RouteDecision | undefined): void {
    const source = sourceOf(alarm);
    const shape = alarm.shape ?? 'unknown';
    this.counter?.inc({ source, shape });
    this.entries.unshift({
      at: this.now().toISOString(),
      source,
      shape,
      subject: subjectOf(alarm),
      channel: alarm.source.channel,
      ts: alarm.source.ts,
      reason: reasonOf(decision),
    });
    this.entries.length = Math.min(this.entries.length, KEEP);
  }

  /** The most recent first. */
  recent(limit = 10): UnroutedEntry[] {
    return this.entries.slice(0, limit);
  }
}

function subjectOf(alarm: Alarm): string {
  if (alarm.kind === 'cloudwatch') return alarm.name;
  if (alarm.kind === 'airflow-task-failure') return `${alarm.dagId}${alarm.taskId ? `.${alarm.taskId}` : ''}`;
  return alarm.service;
}

/** The failure of the route that got furthest is the most useful "why"; a source mismatch says little. */
function reasonOf(decision: RouteDecision | undefined): string {
  const checks = decision?.checks ?? [];
  const telling = checks.find((c) => c.failed && !c.failed.startsWith('source is'));
  return telling ? `${telling.route}: ${telling.failed}` : 'no route matches this kind of alarm';
}
