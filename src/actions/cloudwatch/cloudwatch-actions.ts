import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricWidgetImageCommand } from '@aws-sdk/client-cloudwatch';
import { mapSdkError } from '../aws/map-sdk-error';
import type { AwsClientConfig } from '../aws/client-config';

/** One metric to fetch: `id` names it in the answer (lowercase letter first, as CloudWatch requires). */
export interface MetricQuery {
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: 'Sum' | 'Maximum' | 'Average';
}

export interface MetricSeries {
  id: string;
  timestamps: Date[];
  values: number[];
}

/** What DescribeAlarms says about one metric alarm (the fields alarm routing reads). */
export interface AlarmDefinition {
  name: string;
  arn?: string;
  description?: string;
  state?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  namespace?: string;
  metricName?: string;
  dimensions: Record<string, string>;
}

/** The CloudWatch calls runbook-bot makes. */
export interface CloudWatchActions {
  /** DescribeAlarms for one alarm name: its definition, or undefined when no metric alarm has that name. Optional: only the alarm router needs it. */
  describeAlarm?(name: string, signal?: AbortSignal): Promise<AlarmDefinition | undefined>;
  /** GetMetricData over [start, end) with one datapoint per `periodSeconds`. */
  getMetricData(queries: MetricQuery[], window: { start: Date; end: Date; periodSeconds: number }, signal?: AbortSignal): Promise<MetricSeries[]>;
  /** GetMetricWidgetImage: a PNG of the widget (CloudWatch's metric widget JSON). */
  getMetricWidgetImage(widget: Record<string, unknown>, signal?: AbortSignal): Promise<Buffer>;
}

const BACKEND = 'CloudWatch';

/** CloudWatchActions over the real SDK client. */
export class SdkCloudWatchActions implements CloudWatchActions {
  private readonly client: CloudWatchClient;

  constructor(config: AwsClientConfig | CloudWatchClient) {
    this.client = config instanceof CloudWatchClient ? config : new CloudWatchClient(config);
  }

  async getMetricData(queries: MetricQuery[], window: { start: Date; end: Date; periodSeconds: number }, signal?: AbortSignal): Promise<MetricSeries[]> {
    const out = new Map<string, MetricSeries>(queries.map((q) => [q.id, { id: q.id, timestamps: [], values: [] }]));
    let nextToken: string | undefined;
    try {
      // Paginated: CloudWatch returns at most 100,800 datapoints per call; a few pages at most here.
      for (let page = 0; page < 10; page++) {
        const res = await this.client.send(
          new GetMetricDataCommand({
            StartTime: window.start,
            EndTime: window.end,
            NextToken: nextToken,
            ScanBy: 'TimestampAscending',
            MetricDataQueries: queries.map((q) => ({
              Id: q.id,
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: q.namespace,
                  MetricName: q.metricName,
                  Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: window.periodSeconds,
                Stat: q.stat,
              },
            })),
          }),
          { abortSignal: signal },
        );
        for (const r of res.MetricDataResults ?? []) {
          const series = r.Id ? out.get(r.Id) : undefined;
          if (!series) continue;
          series.timestamps.push(...(r.Timestamps ?? []));
          series.values.push(...(r.Values ?? []));
        }
        nextToken = res.NextToken;
        if (!nextToken) break;
      }
    } catch (err) {
      throw mapSdkError(BACKEND, 'cloudwatch:GetMetricData', queries.map((q) => q.metricName).join(', '), err, signal);
    }
    return [...out.values()];
  }

  async describeAlarm(name: string, signal?: AbortSignal): Promise<AlarmDefinition | undefined> {
    try {
      const res = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'], MaxRecords: 1 }), {
        abortSignal: signal,
      });
      const alarm = (res.MetricAlarms ?? []).find((a) => a.AlarmName === name);
      if (!alarm) return undefined;
      const dimensions: Record<string, string> = {};
      for (const d of alarm.Dimensions ?? []) if (d.Name && d.Value !== undefined) dimensions[d.Name] = d.Value;
      const state = alarm.StateValue;
      return {
        name,
        ...(alarm.AlarmArn ? { arn: alarm.AlarmArn } : {}),
        ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
        ...(state === 'ALARM' || state === 'OK' || state === 'INSUFFICIENT_DATA' ? { state } : {}),
        ...(alarm.Namespace ? { namespace: alarm.Namespace } : {}),
        ...(alarm.MetricName ? { metricName: alarm.MetricName } : {}),
        dimensions,
      };
    } catch (err) {
      throw mapSdkError(BACKEND, 'cloudwatch:DescribeAlarms', name, err, signal);
    }
  }

  async getMetricWidgetImage(widget: Record<string, unknown>, signal?: AbortSignal): Promise<Buffer> {
    try {
      const res = await this.client.send(new GetMetricWidgetImageCommand({ MetricWidget: JSON.stringify(widget), OutputFormat: 'png' }), {
        abortSignal: signal,
      });
      if (!res.MetricWidgetImage || res.MetricWidgetImage.length === 0)
        throw Object.assign(new Error('CloudWatch returned an empty image'), { name: 'EmptyImage' });
      return Buffer.from(res.MetricWidgetImage);
    } catch (err) {
      throw mapSdkError(BACKEND, 'cloudwatch:GetMetricWidgetImage', 'the capacity chart', err, signal);
    }
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }
}
