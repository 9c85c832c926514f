import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SdkCloudWatchActions } from '../../src/actions/cloudwatch/cloudwatch-actions';
import { BackendError } from '../../src/actions/http/errors';
import { startCloudWatchFake, TINY_PNG, type CloudWatchFake } from '../../src/sandbox/fakes/cloudwatch';

describe('the CloudWatch fake, driven by the real SDK client through our adapter', () => {
  let fake: CloudWatchFake;
  let client: CloudWatchClient;
  let cw: SdkCloudWatchActions;
  beforeEach(async () => {
    fake = await startCloudWatchFake();
    client = new CloudWatchClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    cw = new SdkCloudWatchActions(client);
  });
  afterEach(async () => {
    client.destroy();
    await fake.close();
    fake.assertNoUnexpected();
  });

  const window = { start: new Date('2026-11-24T00:00:00Z'), end: new Date('2026-11-24T00:05:00Z'), periodSeconds: 60 };
  const query = (id: string, metricName: string, dimensions: Record<string, string>) => ({
    id,
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensions,
    stat: 'Sum' as const,
  });

  it('answers GetMetricData per metric and dimensions, with the timestamps of the window', async () => {
    fake.setSeries('ReadThrottleEvents', [0, 5, 2], { TableName: 't' });
    fake.setSeries('ReadThrottleEvents', [9], { TableName: 't', GlobalSecondaryIndexName: 'g' });
    const res = await cw.getMetricData(
      [
        query('a', 'ReadThrottleEvents', { TableName: 't' }),
        query('b', 'ReadThrottleEvents', { TableName: 't', GlobalSecondaryIndexName: 'g' }),
        query('c', 'WriteThrottleEvents', { TableName: 't' }),
      ],
      window,
    );
    expect(res.map((s) => [s.id, s.values])).toEqual([
      ['a', [0, 5, 2]],
      ['b', [9]],
      ['c', []],
    ]);
    expect(res[0]!.timestamps.map((t) => t.toISOString())).toEqual(['2026-11-24T00:00:00.000Z', '2026-11-24T00:01:00.000Z', '2026-11-24T00:02:00.000Z']);
    expect(fake.requests[0]).toMatchObject({
      operation: 'GetMetricData',
      body: { StartTime: window.start.getTime() / 1000, EndTime: window.end.getTime() / 1000 },
    });
  });

  it('returns the PNG bytes of GetMetricWidgetImage', async () => {
    const png = await cw.getMetricWidgetImage({ metrics: [['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', 't']] });
    expect(png.equals(TINY_PNG)).toBe(true);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('draws the PNG from the widget the caller sent when given a drawing function, and reports a drawing failure as its own', async () => {
    const seen: unknown[] = [];
    fake.chartPng = (widget) => {
      seen.push(widget);
      if (seen.length > 1) throw new Error('no ink');
      return Buffer.from('drawn');
    };
    const widget = { title: 't: capacity', metrics: [['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', 't']] };
    expect((await cw.getMetricWidgetImage(widget)).toString()).toBe('drawn');
    expect(seen).toEqual([widget]);
    await expect(cw.getMetricWidgetImage(widget)).rejects.toBeInstanceOf(BackendError);
    expect(fake.unexpected).toEqual(['GetMetricWidgetImage: drawing the chart failed: no ink']);
    fake.unexpected.length = 0;
  });

  it('maps AccessDenied to a message that names the IAM action', async () => {
    fake.failNext('GetMetricData', 'AccessDeniedException', 400, 'User: arn:aws:sts::1:assumed-role/bot is not authorized');
    const err = await cw.getMetricData([query('a', 'ReadThrottleEvents', { TableName: 't' })], window).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: 'access_denied', message: expect.stringContaining('`cloudwatch:GetMetricData`') });
  });
});
