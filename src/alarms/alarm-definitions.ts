import type { AlarmDefinition } from '../actions/cloudwatch/cloudwatch-actions';
import type { Alarm, CloudWatchAlarm } from './types';

/** Reads one alarm's definition in one region (DescribeAlarms); undefined when no such alarm exists. */
export type DescribeAlarm = (name: string, region: string | undefined, signal: AbortSignal) => Promise<AlarmDefinition | undefined>;

/** What asking CloudWatch gave, for the thread and for `alarms explain`. */
export type CloudWatchReading =
  { status: 'not-asked' } | { status: 'found'; definition: AlarmDefinition } | { status: 'not-found' } | { status: 'unavailable'; reason: string };

interface Entry {
  at: number;
  reading: Promise<CloudWatchReading>;
}

/**
 * Alarm definitions from CloudWatch, cached briefly (alarms are re-posted in storms, definitions rarely
 * change) and bounded in size. Every read has a deadline: an alarm must not wait on a slow CloudWatch.
 * A failed read is remembered for a few seconds only, so a storm does not wait the deadline per post.
 */
export class AlarmDefinitions {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly describe: DescribeAlarm,
    private readonly options: { ttlMs?: number; failureTtlMs?: number; maxEntries?: number; deadlineMs?: number; now?: () => number } = {},
  ) {}

  /** The definition of `name` in `region` (cached), never throwing: failures come back as `unavailable`. */
  read(name: string, region: string | undefined): Promise<CloudWatchReading> {
    const now = (this.options.now ?? Date.now)();
    const key = `${region ?? '-'}\u0000${name}`;
    const hit = this.cache.get(key);
    if (hit && now - hit.at < (this.options.ttlMs ?? 60_000)) return hit.reading;
    const reading = this.fetch(name, region);
    const entry: Entry = { at: now, reading };
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > (this.options.maxEntries ?? 500)) this.cache.delete(this.cache.keys().next().value!);
    void reading.then((r) => {
      // A failure is kept only briefly: CloudWatch may be back in a moment.
      if (r.status === 'unavailable' && this.cache.get(key) === entry) entry.at = now - (this.options.ttlMs ?? 60_000) + (this.options.failureTtlMs ?? 5_000);
    });
    return reading;
  }

  private async fetch(name: string, region: string | undefined): Promise<CloudWatchReading> {
    const deadlineMs = this.options.deadlineMs ?? 2_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
    try {
      const deadline = new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(new Error(`no answer within ${deadlineMs} ms`)), { once: true }),
      );
      const definition = await Promise.race([this.describe(name, region, controller.signal), deadline]);
      return definition ? { status: 'found', definition } : { status: 'not-found' };
    } catch (err) {
      return {
        status: 'unavailable',
        reason: controller.signal.aborted ? `no answer within ${deadlineMs} ms` : ((err as Error).message ?? 'error').slice(0, 300),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The alarm as routing sees it: a CloudWatch alarm's post completed (and corrected) by its definition.
 * The definition wins where both speak: it is the source of truth, the post is a rendering of it.
 */
export async function enrichAlarm(alarm: Alarm, definitions: AlarmDefinitions | undefined): Promise<{ alarm: Alarm; cloudwatch: CloudWatchReading }> {
  if (alarm.kind !== 'cloudwatch' || !definitions) return { alarm, cloudwatch: { status: 'not-asked' } };
  const cloudwatch = await definitions.read(alarm.name, alarm.region);
  if (cloudwatch.status !== 'found') return { alarm, cloudwatch };
  const d = cloudwatch.definition;
  const metric: NonNullable<CloudWatchAlarm['metric']> = { ...alarm.metric, dimensions: { ...alarm.metric?.dimensions, ...d.dimensions } };
  if (d.namespace) metric.namespace = d.namespace;
  if (d.metricName) metric.name = d.metricName;
  const enriched: Alarm = { ...alarm, metric };
  if (d.description) enriched.description = d.description;
  return { alarm: enriched, cloudwatch };
}
