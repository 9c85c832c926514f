import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SimulatedBackend } from '../backends';
import { startCloudWatchFake } from '../fakes/cloudwatch';
import { datomicChart } from './datomic-chart';
import { loadDevDependency } from './dev-dependency';

export const DATOMIC_TABLE = 'prod-s3-analytics-datomic';
const REGION = 'sa-east-1';
// Write consumption per minute-long period over the last hours: a burst the table's 50 WCU cannot absorb.
const CONSUMED = [900, 1100, 1000, 1300, 2400, 6000, 5400, 2400];
const THROTTLED = [0, 0, 0, 0, 8, 40, 31, 12];

/**
 * A sample AWS Chatbot post of the throttling alarm on the table, in Chatbot's Block Kit layout
 * (the layout of test/fixtures/alarms/chatbot-blocks.json, with the sandbox's region).
 */
const CHATBOT_ALARM = {
  label: `Datomic: write throttling on ${DATOMIC_TABLE} (AWS Chatbot)`,
  text: '',
  botId: 'BCHATBOT',
  username: 'AWS Chatbot',
  blocks: [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:rotating_light: *CloudWatch Alarm | ${DATOMIC_TABLE}-write-throttles | ${REGION} | Account: 210987654321*` },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.0) (minimum 3 datapoints for OK -> ALARM transition).',
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*State:* ALARM' },
        { type: 'mrkdwn', text: '*Namespace:* AWS/DynamoDB' },
        { type: 'mrkdwn', text: '*Metric:* WriteThrottleEvents' },
        { type: 'mrkdwn', text: `*Dimensions:* TableName=${DATOMIC_TABLE}` },
      ],
    },
  ],
};

/**
 * DynamoDB (dynalite, a devDependency loaded only when the sandbox starts) with a provisioned Datomic
 * table that throttles writes, and CloudWatch with its throttling metrics and a capacity chart.
 */
export const datomicSimulation: SimulatedBackend = {
  name: 'dynamodb',
  async start({ latencyMs }) {
    // dynalite ships no types and is not in the production image: required here, at sandbox start only.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dynalite = loadDevDependency('dynalite', () => require('dynalite') as (options: { createTableMs?: number; updateTableMs?: number }) => Server);
    const server = dynalite({ createTableMs: 10, updateTableMs: Math.max(50, latencyMs * 2) });
    const [cw] = await Promise.all([startCloudWatchFake(), new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))]);
    cw.delayMs = Math.min(latencyMs, 200);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({ region: REGION, endpoint: url, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 });
    await client.send(
      new CreateTableCommand({
        TableName: DATOMIC_TABLE,
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'tx', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 50 },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-tx',
            KeySchema: [{ AttributeName: 'tx', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
            ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 },
          },
        ],
      }),
    );
    cw.setSeries('WriteThrottleEvents', THROTTLED, { TableName: DATOMIC_TABLE });
    cw.setSeries('ConsumedWriteCapacityUnits', CONSUMED, { TableName: DATOMIC_TABLE });
    cw.setSeries('ReadThrottleEvents', [0], { TableName: DATOMIC_TABLE });
    cw.setSeries('ConsumedReadCapacityUnits', [3000, 3600, 3300], { TableName: DATOMIC_TABLE });

    // Once the table has more write capacity than the burst needs, the throttling stops (as it would).
    let table: { status?: string; read?: number; write?: number; decreasesToday?: number } = {};
    cw.chartPng = datomicChart(DATOMIC_TABLE, CONSUMED, () => table.write ?? 50);
    let throttling = true;
    const watch = async (): Promise<void> => {
      const t = (await client.send(new DescribeTableCommand({ TableName: DATOMIC_TABLE }))).Table;
      table = {
        status: t?.TableStatus,
        read: t?.ProvisionedThroughput?.ReadCapacityUnits,
        write: t?.ProvisionedThroughput?.WriteCapacityUnits,
        decreasesToday: t?.ProvisionedThroughput?.NumberOfDecreasesToday,
      };
      if (throttling && (table.write ?? 0) * 60 >= Math.max(...CONSUMED)) {
        throttling = false;
        cw.setSeries('WriteThrottleEvents', [0], { TableName: DATOMIC_TABLE });
      }
    };
    await watch();
    const timer = setInterval(() => void watch().catch(() => undefined), 100);
    timer.unref();

    return {
      env: { AWS_ENDPOINT_URL_DYNAMODB: url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, AWS_REGION: REGION, DATOMIC_WATCH: '3s' },
      examples: [{ label: `Datomic capacity for s3-analytics`, command: 'datomic s3-analytics' }],
      alarms: [CHATBOT_ALARM],
      tour: [
        {
          say: `AWS Chatbot posts a throttling alarm on ${DATOMIC_TABLE}. The bot recognises it, reads the throttling and consumption from CloudWatch, uploads a chart and proposes new capacity in the alarm's thread.`,
          alarm: 0,
        },
        {
          say: 'bruno approves. The bot calls UpdateTable, waits for the table to be ACTIVE, then watches the throttling for a while.',
          as: 'UBRUNO',
          click: 'op_approve',
          after: 'Awaiting approval',
        },
        { say: 'Done: the DynamoDB panel shows the new write capacity, and the throttling stopped.', after: 'Succeeded' },
      ],
      state: () => ({
        table: { name: DATOMIC_TABLE, ...table },
        throttling,
        cloudwatch: cw.requests.map((r) => r.operation),
        unexpected: cw.unexpected,
      }),
      close: async () => {
        clearInterval(timer);
        client.destroy();
        server.closeAllConnections?.();
        await Promise.all([cw.close(), new Promise<void>((resolve) => server.close(() => resolve()))]);
      },
    };
  },
};
