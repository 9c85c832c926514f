import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startCloudWatchFake, TINY_PNG, type CloudWatchFake } from '../../src/sandbox/fakes/cloudwatch';
import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';
import { datomicTable, startDynalite, type LocalDynamo } from '../support/dynalite';
import { messageEvent } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

const TABLE = 'prod-s3-analytics-datomic';
// AWS Chatbot's post of a WriteThrottleEvents alarm on the table (Block Kit layout; see test/fixtures/alarms/README.md).
const CHATBOT = JSON.parse(readFileSync(join(__dirname, '../fixtures/alarms/chatbot-blocks.json'), 'utf8')) as { text: string; blocks: unknown[] };

let seq = 0;
/** A Chatbot alarm post as Slack delivers it to the Events API (a bot_message with blocks). */
function alarmPost(options: { channel?: string; state?: 'ALARM' | 'OK'; botId?: string } = {}): { body: string; ts: string } {
  seq += 1;
  const ts = `${1_800_000_000 + seq}.000100`;
  const body = JSON.parse(messageEvent({ channel: options.channel ?? CHANNEL, text: CHATBOT.text, ts, botId: options.botId ?? 'BCHATBOT' })) as {
    event: Record<string, unknown>;
  };
  body.event.blocks = options.state === 'OK' ? JSON.parse(JSON.stringify(CHATBOT.blocks).replace('*State:* ALARM', '*State:* OK')) : CHATBOT.blocks;
  return { body: JSON.stringify(body), ts };
}

describe('Datomic self-destruct alarm -> diagnosis, chart and plan in the thread -> approval -> UpdateTable (end to end)', () => {
  let e2e: E2E;
  let dynamo: LocalDynamo;
  let cw: CloudWatchFake;

  beforeEach(async () => {
    dynamo = await startDynalite();
    cw = await startCloudWatchFake();
    await dynamo.createTable(datomicTable(TABLE, { read: 100, write: 50 }, { name: 'by-tx', read: 10, write: 5 }));
    cw.setSeries('WriteThrottleEvents', [0, 40, 12], { TableName: TABLE });
    cw.setSeries('ConsumedWriteCapacityUnits', [1200, 6000, 2400], { TableName: TABLE }); // peak 100/s -> 150
    e2e = await startE2E({ env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, DATOMIC_WATCH: '300ms' } });
  });
  afterEach(async () => {
    await e2e.close();
    await dynamo.close();
    await cw.close();
    e2e.slack.assertNoUnexpected();
    e2e.metapod.assertNoUnexpected();
    cw.assertNoUnexpected();
  });

  const thread = (ts: string): EmulatedMessage[] => e2e.slack.threadReplies(CHANNEL, ts);
  const planIn = (ts: string): Promise<EmulatedMessage> =>
    waitFor(() => thread(ts).find((m) => buttonsOf(m).includes('op_approve')), { what: 'the plan with buttons in the alarm thread' });
  const capacity = async () => (await dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table!.ProvisionedThroughput!;

  it('replies in the alarm thread, uploads the chart, waits for approval, then changes and verifies the capacity', async () => {
    const alarm = alarmPost();
    expect((await e2e.post(alarm.body)).status).toBe(200);

    const intro = await waitFor(() => thread(alarm.ts).find((m) => /Recognised/.test(m.text)), { what: 'the recognition reply' });
    expect(intro.text).toMatch(/Recognised the CloudWatch alarm \*prod-s3-analytics-datomic-write-throttles\* \(ALARM, sa-east-1, account 210987654321\)/);

    const plan = snapshot(await planIn(alarm.ts));
    const planText = textOf(plan);
    expect(planText).toContain(`UpdateTable ${TABLE}`);
    expect(planText).toContain('table: RCU 100 (unchanged), WCU 50 → 150');
    expect(planText).toMatch(/new = min\(cap 40000, max\(⌈peak × 1.5⌉/);
    // The plan says which alarm started it, never the bot as a requester.
    expect(planText).toMatch(/started by the CloudWatch alarm \*prod-s3-analytics-datomic-write-throttles\* \(ALARM, sa-east-1, account 210987654321\)/);
    expect(planText).not.toMatch(/requested by/);
    const replies = thread(alarm.ts).map(textOf).join('\n');
    expect(replies).toMatch(/Throttling found on `prod-s3-analytics-datomic` in the last 3 h: 0 throttled reads, 52 throttled writes/);
    expect(replies).toMatch(/peak consumption 0 RCU\/s, 100 WCU\/s/);

    // The chart went up through the v2 flow, into the alarm's thread, byte for byte.
    const chart = await waitFor(() => e2e.slack.files[0], { what: 'the chart upload' });
    expect(chart).toMatchObject({ filename: `${TABLE}-capacity.png`, channel: CHANNEL, thread_ts: alarm.ts });
    expect(chart.bytes.equals(TINY_PNG)).toBe(true);
    expect(e2e.slack.callsTo('files.getUploadURLExternal')[0]!.args).toMatchObject({ filename: `${TABLE}-capacity.png`, length: String(TINY_PNG.length) });

    // Nothing was changed before approval.
    expect(await capacity()).toMatchObject({ ReadCapacityUnits: 100, WriteCapacityUnits: 50 });
    // The alarm's definition was asked for (the fake knows no such alarm, so the post's own fields routed it).
    expect(new Set(cw.requests.map((r) => r.operation))).toEqual(new Set(['DescribeAlarms', 'GetMetricData', 'GetMetricWidgetImage']));
    expect(cw.requests.find((r) => r.operation === 'DescribeAlarms')!.body).toMatchObject({ AlarmNames: ['prod-s3-analytics-datomic-write-throttles'] });

    cw.setSeries('WriteThrottleEvents', [0], { TableName: TABLE }); // the throttling stops after the change
    await e2e.click(plan, 'op_approve', 'UAPP');
    const done = await messageShowing(e2e.slack, plan.ts, /Succeeded/, 10_000);
    expect(buttonsOf(done)).toEqual([]);
    expect(await capacity()).toMatchObject({ ReadCapacityUnits: 100, WriteCapacityUnits: 150 });
    const after = thread(alarm.ts).map(textOf).join('\n');
    expect(after).toMatch(/Approved by <@UAPP>; running/);
    expect(textOf(done)).toMatch(/started by the CloudWatch alarm \*prod-s3-analytics-datomic-write-throttles\*[^·]*, approved by <@UAPP>/);
    expect(after).toMatch(/Capacity is in place on `prod-s3-analytics-datomic` .*No throttling in the 300 ms watched after the change/);
  });

  it('coalesces the same alarm firing again into a counter on the first reply, and notes the OK transition', async () => {
    const first = alarmPost();
    await e2e.post(first.body);
    await planIn(first.ts);
    for (let i = 0; i < 5; i++) await e2e.post(alarmPost().body);
    const intro = await waitFor(
      () => thread(first.ts).find((m) => /Recognised/.test(m.text) && /Fired again \*5 times\*/.test(m.text)),
      // The counter is edited at most every 1.5 s (Slack's rate limit): an upper bound, not a speed check.
      { what: 'the counter on the first reply', timeoutMs: 10_000 },
    );
    expect(intro.text).toMatch(/counted into operation `op-[a-z0-9]{8}`/);
    expect(await e2e.bot.store.listRecent(10)).toHaveLength(1);
    expect(e2e.slack.files).toHaveLength(1);

    await e2e.post(alarmPost({ state: 'OK' }).body);
    await waitFor(() => thread(first.ts).find((m) => /back to \*OK\*/.test(m.text)), { what: 'the OK note' });
    expect(await e2e.bot.store.listRecent(10)).toHaveLength(1);
  });

  it('ignores unrelated messages, alarms in other channels and its own posts', async () => {
    await e2e.post(messageEvent({ channel: CHANNEL, text: 'is anyone looking at the analytics table?', ts: '1800001000.000100', user: 'UHUMAN' }));
    await e2e.post(alarmPost({ channel: 'COTHER' }).body);
    await e2e.post(alarmPost({ botId: 'BBOT' }).body); // the bot's own bot id
    // A recognised alarm afterwards: once it is answered, the earlier posts have been looked at too.
    const barrier = alarmPost();
    await e2e.post(barrier.body);
    await planIn(barrier.ts);
    await e2e.bot.engine.idle();
    const threads = new Set(e2e.slack.messages.filter((m) => m.thread_ts).map((m) => m.thread_ts));
    expect([...threads]).toEqual([barrier.ts]);
    expect(e2e.slack.messages.filter((m) => m.channel === 'COTHER')).toHaveLength(0);
    expect(e2e.logs.filter((l) => l.includes('"alarm recognised"'))).toHaveLength(1);
  });

  it('says in the thread when the chart cannot be uploaded, and still offers the plan', async () => {
    e2e.slack.failNext('files.getUploadURLExternal', 'internal_error');
    const alarm = alarmPost();
    await e2e.post(alarm.body);
    await planIn(alarm.ts);
    const note = await waitFor(() => thread(alarm.ts).find((m) => /could not be uploaded/.test(m.text)), { what: 'the upload failure note' });
    expect(note.text).toMatch(/Slack answered `internal_error`/);
    expect(e2e.slack.files).toHaveLength(0);
  });

  it('runs the same flow by hand with /runbook datomic', async () => {
    const ack = await e2e.command('datomic analytics --prototype s3');
    expect(ack.status).toBe(200);
    const plan = await e2e.planMessage((m) => buttonsOf(m).includes('op_approve'));
    expect(textOf(plan)).toContain('WCU 50 → 150');
    expect(e2e.slack.files[0]).toMatchObject({ thread_ts: plan.ts });
  });

  it('says which table names were tried when the service has no table', async () => {
    const res = await e2e.command('datomic ghost --prototype s0');
    const reply = await waitFor(() => e2e.slack.responsesTo(res.responseUrl)[0], { what: 'the refusal' });
    expect(String(reply.text)).toContain('tried `prod-s0-ghost-datomic` and `prod-ghost-datomic`');
  });
});

describe('the datomic plan is bound to the capacity people saw', () => {
  it('voids the approval and shows a new preview when someone changed the table in between; UpdateTable is not called', async () => {
    const { UpdateTableCommand } = await import('@aws-sdk/client-dynamodb');
    const dynamo = await startDynalite();
    const cw = await startCloudWatchFake();
    const e2e = await startE2E({ env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, DATOMIC_WATCH: '300ms' } });
    try {
      await dynamo.createTable(datomicTable(TABLE, { read: 100, write: 50 }, null));
      cw.setSeries('WriteThrottleEvents', [9], { TableName: TABLE });
      cw.setSeries('ConsumedWriteCapacityUnits', [6000], { TableName: TABLE });
      await e2e.command('datomic analytics --prototype s3');
      const plan = snapshot(await e2e.planMessage((m) => buttonsOf(m).includes('op_approve')));
      expect(textOf(plan)).toContain('WCU 50 → 150');

      // A colleague raised it by hand in the console meanwhile.
      await dynamo.client.send(new UpdateTableCommand({ TableName: TABLE, ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 120 } }));
      await dynamo.waitActive(TABLE);
      await e2e.click(plan, 'op_approve', 'UAPP');
      await waitFor(() => e2e.slack.threadReplies(CHANNEL, plan.ts).find((m) => /changed/i.test(textOf(m))), { what: 'the plan-changed note' });
      const fresh = await messageShowing(e2e.slack, plan.ts, /WCU 120 → 150/);
      expect(buttonsOf(fresh)).toContain('op_approve');
      const described = await dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(described.Table?.ProvisionedThroughput?.WriteCapacityUnits).toBe(120);
    } finally {
      await e2e.close();
      await dynamo.close();
      await cw.close();
    }
    e2e.slack.assertNoUnexpected();
    cw.assertNoUnexpected();
  });
});
