import type { CloudWatchActions, MetricQuery, MetricSeries } from '../../actions/cloudwatch/cloudwatch-actions';
import type { TableState } from '../../actions/dynamodb/dynamodb-actions';
import type { Usage } from './capacity';

export const THROTTLE_METRICS = ['ReadThrottleEvents', 'WriteThrottleEvents'] as const;
export const CONSUMED_METRICS = ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits'] as const;
const ALL = [...THROTTLE_METRICS, ...CONSUMED_METRICS];
const SHORT: Record<string, string> = {
  ReadThrottleEvents: 'rt',
  WriteThrottleEvents: 'wt',
  ConsumedReadCapacityUnits: 'rc',
  ConsumedWriteCapacityUnits: 'wc',
};

/** A metric window, kept as ISO strings so it can be stored and compared. */
export interface MetricWindow {
  start: string;
  end: string;
  periodSeconds: number;
}

/** The window ending at the last whole period before `now`, so rebuilding the plan soon after gives the same one. */
export function windowEndingAt(now: Date, lookbackMs: number, periodSeconds: number): MetricWindow {
  const periodMs = periodSeconds * 1000;
  const end = Math.floor(now.getTime() / periodMs) * periodMs;
  return { start: new Date(end - lookbackMs).toISOString(), end: new Date(end).toISOString(), periodSeconds };
}

/** `start/end/period` as one string (stored as the diagnosis step's external id). */
export function formatWindow(w: MetricWindow): string {
  return `${w.start}/${w.end}/${w.periodSeconds}`;
}

export function parseWindow(text: string | undefined): MetricWindow | undefined {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\/(\d{4}-\d\d-\d\dT[\d:.]+Z)\/(\d{1,5})$/.exec(text ?? '');
  if (!m || Number.isNaN(Date.parse(m[1]!)) || Number.isNaN(Date.parse(m[2]!))) return undefined;
  return { start: m[1]!, end: m[2]!, periodSeconds: Number(m[3]) };
}

/** The four metrics for the table and each GSI (DynamoDB publishes GSI metrics with an extra dimension). */
export function capacityQueries(table: TableState, metrics: readonly string[] = ALL): MetricQuery[] {
  const targets = [
    { id: 't', dims: { TableName: table.name } },
    ...table.indexes.map((g, i) => ({ id: `g${i}`, dims: { TableName: table.name, GlobalSecondaryIndexName: g.name } })),
  ];
  return targets.flatMap((t) =>
    metrics.map((m) => ({ id: `${t.id}_${SHORT[m]}`, namespace: 'AWS/DynamoDB', metricName: m, dimensions: t.dims, stat: 'Sum' as const })),
  );
}

/** Throttle totals and per-second peaks of the table and each GSI. */
export function summarizeUsage(table: TableState, series: MetricSeries[], periodSeconds: number): Usage[] {
  const byId = new Map(series.map((s) => [s.id, s.values]));
  const sum = (id: string): number => (byId.get(id) ?? []).reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0);
  const peak = (id: string): number => Math.round((Math.max(0, ...(byId.get(id) ?? []).filter(Number.isFinite)) / periodSeconds) * 10) / 10;
  const targets = [
    { id: 't', target: 'table', kind: 'table' as const, current: { read: table.read, write: table.write } },
    ...table.indexes.map((g, i) => ({ id: `g${i}`, target: g.name, kind: 'index' as const, current: { read: g.read, write: g.write } })),
  ];
  return targets.map((t) => ({
    target: t.target,
    kind: t.kind,
    current: t.current,
    readThrottles: sum(`${t.id}_rt`),
    writeThrottles: sum(`${t.id}_wt`),
    peakRead: peak(`${t.id}_rc`),
    peakWrite: peak(`${t.id}_wc`),
  }));
}

/** Remembers metric answers for closed windows (they do not change), so plan rebuilds cost no extra calls. */
export class MetricCache {
  private readonly entries = new Map<string, Promise<MetricSeries[]>>();
  constructor(private readonly max = 100) {}

  get(cloudwatch: CloudWatchActions, queries: MetricQuery[], w: MetricWindow, signal?: AbortSignal): Promise<MetricSeries[]> {
    const key = JSON.stringify([queries, w]);
    const hit = this.entries.get(key);
    if (hit) return hit;
    const fresh = cloudwatch.getMetricData(queries, { start: new Date(w.start), end: new Date(w.end), periodSeconds: w.periodSeconds }, signal);
    this.entries.set(key, fresh);
    // A failure is not remembered: the next call asks again.
    fresh.catch(() => this.entries.delete(key));
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return fresh;
  }
}
