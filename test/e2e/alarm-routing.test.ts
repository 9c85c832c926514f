import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloudWatchFake, type CloudWatchFake } from '../../src/sandbox/fakes/cloudwatch';
import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';
import { datomicTable, startDynalite, type LocalDynamo } from '../support/dynalite';
import { messageEvent } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, startE2E, textOf, type E2E } from './harness';

const FIXTURES = join(__dirname, '../fixtures/alarms');
const fixture = (file: string): { text?: string; attachments?: unknown[]; blocks?: unknown[] } =>
  file.endsWith('.txt')
    ? { text: readFileSync(join(FIXTURES, file), 'utf8') }
    : (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { text?: string; attachments?: unknown[] });

let seq = 0;
/** A post as Slack's Events API delivers it: an integration's bot_message, or a person's paste. */
function post(
  body: { text?: string; attachments?: unknown[]; blocks?: unknown[] },
  from: { botId?: string; user?: string } = { botId: 'BCHATBOT' },
): { body: string; ts: string } {
  seq += 1;
  const ts = `${1_810_000_000 + seq}.000100`;
  const event = JSON.parse(messageEvent({ channel: CHANNEL, text: body.text ?? '', ts, ...from })) as { event: Record<string, unknown> };
  if (body.attachments) event.event.attachments = body.attachments;
  if (body.blocks) event.event.blocks = body.blocks;
  return { body: JSON.stringify(event), ts };
}

describe('alarms as they really arrive, routed to a plan in their thread (end to end)', () => {
  let e2e: E2E | undefined;
  let dynamo: LocalDynamo;
  let cw: CloudWatchFake;
  let dir: string;

  beforeEach(async () => {
    dynamo = await startDynalite();
    cw = await startCloudWatchFake();
    dir = mkdtempSync(join(tmpdir(), 'runbook-bot-routes-'));
    for (const table of ['prod-s3-analytics-datomic', 'prod-s1-ledger-datomic', 'prod-analytics-datomic']) {
      await dynamo.createTable(datomicTable(table, { read: 100, write: 50 }));
      cw.setSeries('WriteThrottleEvents', [0, 40, 12], { TableName: table });
      cw.setSeries('ConsumedWriteCapacityUnits', [1200, 6000, 2400], { TableName: table });
    }
  });
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
    await dynamo.close();
    await cw.close();
    rmSync(dir, { recursive: true, force: true });
    cw.assertNoUnexpected();
  });

  const start = async (env: Record<string, string> = {}): Promise<E2E> =>
    (e2e = await startE2E({ env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, DATOMIC_WATCH: '300ms', ...env } }));
  const thread = (ts: string): EmulatedMessage[] => e2e!.slack.threadReplies(CHANNEL, ts);
  const planIn = (ts: string): Promise<EmulatedMessage> =>
    waitFor(() => thread(ts).find((m) => buttonsOf(m).includes('op_approve')), { what: 'the plan with buttons in the alarm thread', timeoutMs: 10_000 });
  const intro = (ts: string): Promise<EmulatedMessage> => waitFor(() => thread(ts).find((m) => /Recognised/.test(m.text)), { what: 'the recognition reply' });

  it('plain-text notification: the alarm name alone says nothing, its CloudWatch definition names the table', async () => {
    cw.setAlarm({
      AlarmName: 'datomic-writes-throttled-7',
      Namespace: 'AWS/DynamoDB',
      MetricName: 'WriteThrottleEvents',
      Dimensions: [{ Name: 'TableName', Value: 'prod-s3-analytics-datomic' }],
      AlarmDescription: 'Writes throttled',
      StateValue: 'ALARM',
    });
    await start();
    const alarm = post(fixture('cloudwatch-text-alarm.txt'));
    expect((await e2e!.post(alarm.body)).status).toBe(200);
    expect((await intro(alarm.ts)).text).toMatch(
      /CloudWatch alarm \*datomic-writes-throttled-7\* \(ALARM, sa-east-1\), routed by `dynamodb-datomic-table`\. Read its definition from CloudWatch\./,
    );
    expect(textOf(await planIn(alarm.ts))).toContain('UpdateTable prod-s3-analytics-datomic');
    expect(cw.requests.find((r) => r.operation === 'DescribeAlarms')!.body).toMatchObject({ AlarmNames: ['datomic-writes-throttled-7'] });
  });

  it('legacy-attachment post, with CloudWatch failing: routed on what the post says, and the thread says so', async () => {
    await start();
    cw.failNext('DescribeAlarms', 'InternalServiceError', 500);
    const alarm = post(fixture('chatbot-attachment-dynamodb-throttle.json'));
    await e2e!.post(alarm.body);
    const first = await intro(alarm.ts);
    expect(first.text).toMatch(
      /routed by `dynamodb-datomic-table`\. :warning: Could not read the alarm from CloudWatch \(.+\): routed on what the post says\./,
    );
    expect(textOf(await planIn(alarm.ts))).toContain('UpdateTable prod-s1-ledger-datomic');
  });

  it('/runbook alarms explain answers privately with the verdict and starts nothing', async () => {
    cw.setAlarm({
      AlarmName: 'datomic-writes-throttled-7',
      Namespace: 'AWS/DynamoDB',
      MetricName: 'WriteThrottleEvents',
      Dimensions: [{ Name: 'TableName', Value: 'prod-s3-analytics-datomic' }],
    });
    await start();
    const res = await e2e!.command(`alarms explain ${fixture('cloudwatch-text-alarm.txt').text!}`);
    expect(res.status).toBe(200);
    const reply = await waitFor(() => e2e!.slack.responsesTo(res.responseUrl)[0], { what: 'the explanation' });
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.text)).toContain('*CloudWatch:* DescribeAlarms answered: AWS/DynamoDB / WriteThrottleEvents');
    expect(String(reply.text)).toContain('*Would propose* `datomic` with input `{"service":"analytics","env":"prod","prototype":"s3"}`');
    expect(await e2e!.bot.store.listRecent(5)).toHaveLength(0);
  });

  it('SNS JSON pasted by a person', async () => {
    await start();
    const alarm = post(fixture('sns-dynamodb-throttle.txt'), { user: 'UHUMAN' });
    await e2e!.post(alarm.body);
    expect((await intro(alarm.ts)).text).toMatch(
      /\*analytics-throttled-writes\* \(ALARM, us-east-2, account 123456789012\), routed by `dynamodb-datomic-table`/,
    );
    expect(textOf(await planIn(alarm.ts))).toContain('UpdateTable prod-analytics-datomic');
  });

  it('a custom alarm routed by runbook-bot.yml (RUNBOOK_CONFIG); an alarm no route claims gets no reply and is counted', async () => {
    const config = join(dir, 'runbook-bot.yml');
    writeFileSync(
      config,
      [
        'version: 1',
        'alarms:',
        '  routes:',
        '    - name: heartbeat',
        '      match:',
        '        source: cloudwatch',
        '        alarmName: "/^(?<service>[a-z]+)-transactor-heartbeat$/"',
        '        namespace: "Custom/*"',
        '      runbook: datomic',
        '      input: { service: "{service}", env: prod, prototype: s1 }',
      ].join('\n'),
    );
    cw.setAlarm({
      AlarmName: 'ledger-transactor-heartbeat',
      Namespace: 'Custom/Datomic',
      MetricName: 'HeartbeatMsec',
      Dimensions: [{ Name: 'System', Value: 'ledger' }],
    });
    await start({ RUNBOOK_CONFIG: config });
    const custom = post({
      text: 'The alarm ledger-transactor-heartbeat changed state to ALARM: Threshold Crossed: 1 datapoint [12000.0] was greater than the threshold (5000.0).\n<https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/ledger-transactor-heartbeat|console>',
    });
    await e2e!.post(custom.body);
    expect((await intro(custom.ts)).text).toMatch(/routed by `heartbeat`/);
    expect(textOf(await planIn(custom.ts))).toContain('UpdateTable prod-s1-ledger-datomic');

    const unrouted = post(fixture('chatbot-blocks-no-account.json'));
    await e2e!.post(unrouted.body);
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`${e2e!.bot.url}/metrics`)).text();
        return /runbook_alarms_unrouted_total\{source="cloudwatch",shape="chatbot-blocks"\} 1/.test(text) ? text : undefined;
      },
      { what: 'the unrouted alarm counted in /metrics' },
    );
    expect(metrics).toBeDefined();
    expect(thread(unrouted.ts)).toHaveLength(0);
  });
});
