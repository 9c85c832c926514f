import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlarmMessage } from '../../../src/alarms/parse';
import type { ChannelMessage } from '../../../src/alarms/message';

const FIXTURES = join(__dirname, '../../fixtures/alarms');
const post = (file: string): ChannelMessage => {
  const raw = readFileSync(join(FIXTURES, file), 'utf8');
  const body = file.endsWith('.txt') ? { text: raw } : (JSON.parse(raw) as Omit<ChannelMessage, 'channel' | 'ts'>);
  return { channel: 'CDATAENG', ts: '1700000000.000100', ...body };
};

describe('parseAlarmMessage', () => {
  it('reads an AWS Chatbot CloudWatch post: name, state, region, account, reason, metric', () => {
    expect(parseAlarmMessage(post('chatbot-alarm.json'))).toEqual({
      kind: 'cloudwatch',
      name: 'prod-global-metapod-high-5xx',
      state: 'ALARM',
      region: 'us-east-1',
      account: '123456789012',
      reason: expect.stringMatching(/^Threshold Crossed: 1 out of the last 1 datapoints/),
      description: 'Metapod 5xx above 5% for 5 minutes',
      metric: { namespace: 'AWS/ApplicationELB', name: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: 'app/prod-global-metapod/50dc6c495c0c9188' } },
      key: 'cloudwatch:123456789012:us-east-1:prod-global-metapod-high-5xx',
      shape: 'chatbot-attachment',
      text: expect.stringContaining('Threshold Crossed'),
      source: { channel: 'CDATAENG', ts: '1700000000.000100' },
    });
  });

  it('reads a Chatbot title without the account (a self-destruct alarm stays a CloudWatch alarm: routes decide)', () => {
    const alarm = parseAlarmMessage({
      channel: 'C1',
      ts: '1.2',
      attachments: [{ color: 'danger', title: ':rotating_light: CloudWatch Alarm | prod-s2-ledger-datomic-self-destruct | us-east-1' }],
    });
    expect(alarm).toMatchObject({
      kind: 'cloudwatch',
      name: 'prod-s2-ledger-datomic-self-destruct',
      region: 'us-east-1',
      state: 'ALARM',
      shape: 'chatbot-attachment',
    });
  });

  it('reads the OK transition of the same alarm with the same key', () => {
    const ok = parseAlarmMessage(post('chatbot-ok.json'));
    expect(ok).toMatchObject({ kind: 'cloudwatch', state: 'OK', key: 'cloudwatch:123456789012:us-east-1:prod-global-metapod-high-5xx' });
  });

  it('reads the Block Kit layout, including a DynamoDB table dimension', () => {
    expect(parseAlarmMessage(post('chatbot-blocks.json'))).toMatchObject({
      kind: 'cloudwatch',
      name: 'prod-s3-analytics-datomic-write-throttles',
      state: 'ALARM',
      region: 'sa-east-1',
      account: '210987654321',
      metric: { namespace: 'AWS/DynamoDB', name: 'WriteThrottleEvents', dimensions: { TableName: 'prod-s3-analytics-datomic' } },
    });
  });

  it('reads raw SNS JSON pasted in a code block', () => {
    expect(parseAlarmMessage(post('sns-alarm.txt'))).toMatchObject({
      kind: 'cloudwatch',
      name: 'prod-global-metapod-datomic-self-destruct',
      region: 'us-east-1',
      account: '123456789012',
      description: 'Datomic transactor of metapod self-destructed',
      metric: { namespace: 'Datomic', name: 'AlarmSelfDestruct', dimensions: { Service: 'metapod' } },
      state: 'ALARM',
      shape: 'sns-json',
    });
    expect(parseAlarmMessage(post('sns-generic.txt'))).toMatchObject({
      kind: 'cloudwatch',
      name: 'prod-global-correnteza-lag',
      region: 'sa-east-1',
      account: '123456789012',
      metric: { namespace: 'Kafka', name: 'ConsumerLag', dimensions: { ConsumerGroup: 'correnteza' } },
    });
  });

  it('reads SNS JSON pasted outside a code block, where Slack may turn quotes typographic', () => {
    const pasted = readFileSync(join(FIXTURES, 'sns-generic.txt'), 'utf8')
      .replace(/```/g, '')
      .replace(/"([^"]*)"/g, '\u201c$1\u201d');
    expect(parseAlarmMessage({ channel: 'C1', ts: '1.2', text: pasted })).toMatchObject({
      kind: 'cloudwatch',
      name: 'prod-global-correnteza-lag',
      state: 'ALARM',
    });
  });

  it('does not read a lowercase "ok" in a self-destruct post as the alarm clearing', () => {
    expect(parseAlarmMessage({ channel: 'C1', ts: '1.2', text: 'Datomic self-destruct again, service: ledger; the peer looked ok before' })).toMatchObject({
      service: 'ledger',
      state: 'ALARM',
    });
    expect(parseAlarmMessage({ channel: 'C1', ts: '1.2', text: 'Datomic self-destruct alarm resolved, service: ledger' })).toMatchObject({
      service: 'ledger',
      state: 'OK',
    });
  });

  it('reads Datomic self-destruct text posts (table name or explicit fields)', () => {
    expect(parseAlarmMessage(post('datomic-text.json'))).toMatchObject({
      kind: 'datomic-self-destruct',
      service: 'analytics',
      env: 'prod',
      prototype: 's3',
      state: 'ALARM',
    });
    expect(parseAlarmMessage(post('datomic-fields.json'))).toMatchObject({
      kind: 'datomic-self-destruct',
      service: 'ledger',
      env: 'staging',
      prototype: 's2',
      key: 'datomic:staging:s2:ledger',
    });
  });

  it('reads Airflow task failure posts with the log URL and the Metapod transaction', () => {
    expect(parseAlarmMessage(post('airflow-failure.json'))).toMatchObject({
      kind: 'airflow-task-failure',
      dagId: 'dagao',
      taskId: 'itaipu-contracts',
      executionDate: '2026-11-24T00:00:00+00:00',
      logUrl: 'https://airflow.example.com/log?dag_id=dagao&task_id=itaipu-contracts&execution_date=2026-11-24T00%3A00%3A00%2B00%3A00',
      transactionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      state: 'ALARM',
      key: 'airflow:dagao:2026-11-24T00:00:00+00:00', // per run: see airflow-key.test.ts
    });
  });

  it('keeps the thread of a post made inside a thread', () => {
    expect(parseAlarmMessage({ ...post('datomic-fields.json'), threadTs: '1699999999.000100' })?.source).toEqual({
      channel: 'CDATAENG',
      ts: '1700000000.000100',
      threadTs: '1699999999.000100',
    });
  });

  const hostile = (JSON.parse(readFileSync(join(FIXTURES, 'hostile-lookalikes.json'), 'utf8')) as { cases: Omit<ChannelMessage, 'channel' | 'ts'>[] }).cases;
  it.each(hostile.map((c, i) => [i, c] as const))('does not take hostile or lookalike post #%d for an alarm', (_i, body) => {
    expect(parseAlarmMessage({ channel: 'C1', ts: '1.2', ...body })).toBeUndefined();
  });

  it('stays fast and silent on huge posts', () => {
    const huge = `Datomic self-destruct ${'a-'.repeat(500_000)}`;
    const started = Date.now();
    expect(parseAlarmMessage({ channel: 'C1', ts: '1.2', text: huge, attachments: Array(1000).fill({ text: 'x'.repeat(10_000) }) })).toBeUndefined();
    // Generous bound: the point is that scanning is capped, not a benchmark.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
