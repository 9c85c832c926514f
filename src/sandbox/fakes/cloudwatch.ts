import type { IncomingMessage } from 'node:http';
import { startHttpServer } from './http-server';

/**
 * A strict loopback CloudWatch for GetMetricData and GetMetricWidgetImage.
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
  /** Delay before every answer (benchmarks: a backend answering in 50 ms). */
  delayMs: number;
  /** The PNG GetMetricWidgetImage answers (default TINY_PNG; the sandbox draws a chart). */
  chartPng: Buffer;
  assertNoUnexpected(): void;
  close(): Promise<void>;
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
  const failures = new Map<string, { type: string; status: number; message: string }[]>();

  const answer = (operation: string, body: Record<string, unknown>): { status: number; json: unknown } => {
    const forced = failures.get(operation)?.shift();
    if (forced) return { status: forced.status, json: { __type: `com.amazonaws.cloudwatch#${forced.type}`, message: forced.message } };
    if (operation === 'GetMetricWidgetImage') {
      if (typeof body.MetricWidget !== 'string') return invalid('MetricWidget is required');
      try {
        JSON.parse(body.MetricWidget);
      } catch {
        return invalid('MetricWidget is not valid JSON');
      }
      return { status: 200, json: { MetricWidgetImage: fake.chartPng.toString('base64') } };
    }
    if (operation === 'GetMetricData') {
      const start = Number(body.StartTime);
      const end = Number(body.EndTime);
      const queries = body.MetricDataQueries;
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start || !Array.isArray(queries)) return invalid('StartTime, EndTime and MetricDataQueries are required');
      return { status: 200, json: { MetricDataResults: (queries as Query[]).map((q) => resultFor(q, start)), Messages: [] } };
    }
    fake.unexpected.push(`${operation}: not implemented by the fake`);
    return { status: 400, json: { __type: 'com.amazonaws.cloudwatch#InvalidAction', message: `unknown operation ${operation}` } };
  };

  const resultFor = (q: Query, start: number): Record<string, unknown> => {
    const metric = q.MetricStat?.Metric;
    const dims = Object.fromEntries((metric?.Dimensions ?? []).map((d): [string, string | undefined] => [d.Name ?? '', d.Value])) as Record<string, string | undefined>;
    const period = q.MetricStat?.Period ?? 60;
    const found = [...series].reverse().find((s) => s.metricName === metric?.MetricName && Object.entries(s.match).every(([k, v]) => dims[k] === v) && Object.keys(dims).length === Object.keys(s.match).length);
    const values = found?.values ?? [];
    return { Id: q.Id, Label: metric?.MetricName, StatusCode: 'Complete', Timestamps: values.map((_, i) => start + i * period), Values: values };
  };

  const server = await startHttpServer(async (req: IncomingMessage, res, raw) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const type = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || !type.startsWith('application/x-amz-json-1.0')) {
      fake.unexpected.push(`${req.method ?? '?'} ${req.url ?? ''} (${type || 'no content-type'}, target ${target || 'none'}): not an awsJson1_0 CloudWatch call`);
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'com.amazonaws.cloudwatch#InvalidAction', message: 'unsupported protocol' }));
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
