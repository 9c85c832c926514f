import type { IncomingMessage } from 'node:http';
import { startHttpServer } from './http-server';

/**
 * A strict loopback CloudWatch for GetMetricData, GetMetricWidgetImage and DescribeAlarms.
 * It speaks the protocol the installed @aws-sdk/client-cloudwatch (3.11xx) really sends: awsJson1_0
 * (`POST /`, `content-type: application/x-amz-json-1.0`, `x-amz-target: GraniteServiceVersion20100801.<Op>`,
 * epoch-second timestamps). Older clients (<= 3.948) sent the Query protocol, which is recorded as unexpected.
 */
export interface CloudWatchFake {
  url: string;
  requests: CloudWatchRequest[];
  unexpected: string[];
  /** Datapoint values for a metric (per period, oldest first) for queries whose dimensions include `match`. */
  setSeries(metricName: string, values: number[], match?: Record<string, string>): void;
  /** The next call of `operation` fails with this AWS error type and HTTP status. */
  failNext(operation: string, type: string, status?: number, message?: string): void;
  /** A metric alarm DescribeAlarms knows (AlarmName, Namespace, MetricName, Dimensions, AlarmDescription, StateValue...). */
  setAlarm(alarm: FakeMetricAlarm): void;
  /** Delay before every answer (benchmarks: a backend answering in 50 ms). */
  delayMs: number;
  /** The PNG GetMetricWidgetImage answers (default TINY_PNG), or a function drawing it from the widget the caller sent (the sandbox's chart). */
  chartPng: Buffer | ((widget: unknown) => Buffer);
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/** A MetricAlarm as DescribeAlarms returns it (the subset of the API reference's fields the bot reads). */
export interface FakeMetricAlarm {
  AlarmName: string;
  AlarmDescription?: string;
  StateValue?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: string }[];
  /** Default: an ARN in us-east-1, account 123456789012. */
  AlarmArn?: string;
}

export interface CloudWatchRequest {
  operation: string;
  body: Record<string, unknown>;
}

// A valid 1x1 PNG (signature, IHDR, IDAT, IEND).
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';

interface Query {
  Id?: string;
  MetricStat?: { Metric?: { MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] }; Period?: number };
}

/** Starts the fake on 127.0.0.1. */
export async function startCloudWatchFake(): Promise<CloudWatchFake> {
  const series: { metricName: string; values: number[]; match: Record<string, string> }[] = [];
  const alarms = new Map<string, FakeMetricAlarm>();
  const failures = new Map<string, { type: string; status: number; message: string }[]>();

  const answer = (operation: string, body: Record<string, unknown>): { status: number; json: unknown } => {
    const forced = failures.get(operation)?.shift();
    if (forced) return { status: forced.status, json: { __type: `com.amazonaws.cloudwatch#${forced.type}`, message: forced.message } };
    if (operation === 'GetMetricWidgetImage') {
      if (typeof body.MetricWidget !== 'string') return invalid('MetricWidget is required');
      let widget: unknown;
      try {
        widget = JSON.parse(body.MetricWidget);
      } catch {
        return invalid('MetricWidget is not valid JSON');
      }
      let png: Buffer;
      try {
        png = typeof fake.chartPng === 'function' ? fake.chartPng(widget) : fake.chartPng;
      } catch (err) {
        // A drawing bug is the fake's, not the caller's: recorded, and answered as CloudWatch's own failure.
        fake.unexpected.push(`GetMetricWidgetImage: drawing the chart failed: ${err instanceof Error ? err.message : String(err)}`);
        return { status: 500, json: { __type: 'com.amazonaws.cloudwatch#InternalServiceFault', message: 'the chart could not be drawn' } };
      }
      return { status: 200, json: { MetricWidgetImage: png.toString('base64') } };
    }
    if (operation === 'GetMetricData') {
      const start = Number(body.StartTime);
      const end = Number(body.EndTime);
      const queries = body.MetricDataQueries;
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start || !Array.isArray(queries))
        return invalid('StartTime, EndTime and MetricDataQueries are required');
      return { status: 200, json: { MetricDataResults: (queries as Query[]).map((q) => resultFor(q, start)), Messages: [] } };
    }
    if (operation === 'DescribeAlarms') return describeAlarms(body);
    fake.unexpected.push(`${operation}: not implemented by the fake`);
    return { status: 400, json: { __type: 'com.amazonaws.cloudwatch#InvalidAction', message: `unknown operation ${operation}` } };
  };

  // DescribeAlarms as the API reference describes it: AlarmNames (at most 100, 1-255 characters each) or
  // AlarmNamePrefix (not both), AlarmTypes (MetricAlarm, CompositeAlarm), MaxRecords 1-100; answers MetricAlarms and CompositeAlarms.
  const describeAlarms = (body: Record<string, unknown>): { status: number; json: unknown } => {
    const names = body.AlarmNames;
    const prefix = body.AlarmNamePrefix;
    if (names !== undefined && (!Array.isArray(names) || names.length > 100 || names.some((n) => typeof n !== 'string' || n.length < 1 || n.length > 255)))
      return invalid('AlarmNames must be 1 to 100 names of 1 to 255 characters');
    if (names !== undefined && prefix !== undefined)
      return {
        status: 400,
        json: { __type: 'com.amazonaws.cloudwatch#InvalidParameterCombination', message: 'AlarmNames and AlarmNamePrefix cannot be used together' },
      };
    const types = body.AlarmTypes;
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => t !== 'MetricAlarm' && t !== 'CompositeAlarm')))
      return invalid('AlarmTypes must be MetricAlarm or CompositeAlarm');
    const max = body.MaxRecords;
    if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100))
      return invalid('MaxRecords must be between 1 and 100');
    const wantMetric = types === undefined || (types as string[]).includes('MetricAlarm');
    const found = [...alarms.values()].filter((a) =>
      Array.isArray(names) ? (names as string[]).includes(a.AlarmName) : typeof prefix === 'string' ? a.AlarmName.startsWith(prefix) : true,
    );
    const metricAlarms = wantMetric
      ? found.slice(0, typeof max === 'number' ? max : 50).map((a) => ({
          AlarmArn: a.AlarmArn ?? `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.AlarmName}`,
          StateValue: 'ALARM',
          Dimensions: [],
          ...a,
        }))
      : [];
    return { status: 200, json: { MetricAlarms: metricAlarms, CompositeAlarms: [] } };
  };

  const resultFor = (q: Query, start: number): Record<string, unknown> => {
    const metric = q.MetricStat?.Metric;
    const dims = Object.fromEntries((metric?.Dimensions ?? []).map((d): [string, string | undefined] => [d.Name ?? '', d.Value])) as Record<
      string,
      string | undefined
    >;
    const period = q.MetricStat?.Period ?? 60;
    const found = [...series]
      .reverse()
      .find(
        (s) =>
          s.metricName === metric?.MetricName &&
          Object.entries(s.match).every(([k, v]) => dims[k] === v) &&
          Object.keys(dims).length === Object.keys(s.match).length,
      );
    const values = found?.values ?? [];
    return { Id: q.Id, Label: metric?.MetricName, StatusCode: 'Complete', Timestamps: values.map((_, i) => start + i * period), Values: values };
  };

  const server = await startHttpServer(async (req: IncomingMessage, res, raw) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const type = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || !type.startsWith('application/x-amz-json-1.0')) {
      fake.unexpected.push(
        `${req.method ?? '?'} ${req.url ?? ''} (${type || 'no content-type'}, target ${target || 'none'}): not an awsJson1_0 CloudWatch call`,
      );
      res
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify({ __type: 'com.amazonaws.cloudwatch#InvalidAction', message: 'unsupported protocol' }));
      return;
    }
    if (!/^AWS4-HMAC-SHA256 Credential=/.test(String(req.headers.authorization ?? ''))) fake.unexpected.push(`${target}: request not signed with SigV4`);
    const operation = target.slice(TARGET_PREFIX.length);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      fake.unexpected.push(`${operation}: body is not JSON`);
      res.writeHead(400).end();
      return;
    }
    fake.requests.push({ operation, body });
    if (fake.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
    const { status, json } = answer(operation, body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${fake.requests.length}` }).end(JSON.stringify(json));
  });

  const fake: CloudWatchFake = {
    url: server.url,
    requests: [],
    unexpected: [],
    delayMs: 0,
    chartPng: TINY_PNG,
    setAlarm(alarm) {
      alarms.set(alarm.AlarmName, alarm);
    },
    setSeries(metricName, values, match = {}) {
      series.push({ metricName, values, match });
    },
    failNext(operation, type, status = 400, message = `${type} (injected by the test)`) {
      failures.set(operation, [...(failures.get(operation) ?? []), { type, status, message }]);
    },
    assertNoUnexpected() {
      if (fake.unexpected.length > 0) throw new Error(`CloudWatch fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}

function invalid(message: string): { status: number; json: unknown } {
  return { status: 400, json: { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message } };
}
