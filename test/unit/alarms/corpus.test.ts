import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AlarmDefinitions } from '../../../src/alarms/alarm-definitions';
import { defaultRoutes } from '../../../src/alarms/default-routes';
import { examine } from '../../../src/alarms/pipeline';
import { compileRoutes } from '../../../src/alarms/routes';
import { fixturePost, ROUTING_RUNBOOKS } from './corpus-helpers';

const FIXTURES = join(__dirname, '../../fixtures/alarms');

// CloudWatch as DescribeAlarms would answer: the plain-text notification's alarm is a DynamoDB throttle alarm.
const definitions = new AlarmDefinitions((name) =>
  Promise.resolve(
    name === 'datomic-writes-throttled-7'
      ? {
          name,
          namespace: 'AWS/DynamoDB',
          metricName: 'WriteThrottleEvents',
          dimensions: { TableName: 'prod-s3-analytics-datomic' },
          description: 'Writes throttled',
          state: 'ALARM',
        }
      : undefined,
  ),
);
const routes = compileRoutes([], defaultRoutes({ dagaoDagId: 'dagao' }));

type Expected = 'not an alarm' | 'unrouted' | { shape: string; state: string; route: string; input: Record<string, unknown> };
const datomic = (service: string, env: string, prototype?: string): Record<string, unknown> => ({ service, env, ...(prototype ? { prototype } : {}) });

/** Every fixture and what becomes of it: routed (route and runbook input), left unrouted (no reply), or not an alarm. */
const CORPUS: Record<string, Expected> = {
  'chatbot-alarm.json': 'unrouted',
  'chatbot-ok.json': 'unrouted',
  'chatbot-blocks.json': { shape: 'chatbot-blocks', state: 'ALARM', route: 'dynamodb-datomic-table', input: datomic('analytics', 'prod', 's3') },
  'chatbot-blocks-ok.json': { shape: 'chatbot-blocks', state: 'OK', route: 'dynamodb-datomic-table', input: datomic('analytics', 'prod', 's3') },
  'chatbot-blocks-self-destruct.json': {
    shape: 'chatbot-blocks',
    state: 'ALARM',
    route: 'datomic-self-destruct-alarm',
    input: datomic('ledger', 'prod', 's2'),
  },
  'chatbot-blocks-no-account.json': 'unrouted',
  'chatbot-attachment-dynamodb-throttle.json': {
    shape: 'chatbot-attachment',
    state: 'ALARM',
    route: 'dynamodb-datomic-table',
    input: datomic('ledger', 'prod', 's1'),
  },
  'chatbot-attachment-insufficient.json': {
    shape: 'chatbot-attachment',
    state: 'INSUFFICIENT_DATA',
    route: 'dynamodb-datomic-table',
    input: datomic('orders', 'prod'),
  },
  'chatbot-attachment-transactor.json': {
    shape: 'chatbot-attachment',
    state: 'ALARM',
    route: 'datomic-transactor-alarm',
    input: datomic('payments', 'staging'),
  },
  'chatbot-attachment-no-fields.json': 'unrouted',
  'cloudwatch-text-alarm.txt': { shape: 'cloudwatch-text', state: 'ALARM', route: 'dynamodb-datomic-table', input: datomic('analytics', 'prod', 's3') },
  'cloudwatch-text-ok.txt': { shape: 'cloudwatch-text', state: 'OK', route: 'dynamodb-datomic-table', input: datomic('analytics', 'prod', 's3') },
  'cloudwatch-text-old-fragment.txt': 'unrouted',
  'cloudwatch-text-linked-name.json': {
    shape: 'cloudwatch-text',
    state: 'ALARM',
    route: 'datomic-self-destruct-alarm',
    input: datomic('ledger', 'prod', 's1'),
  },
  'hostile-cloudwatch-text-mismatch.txt': 'not an alarm',
  'hostile-cloudwatch-text-state.txt': 'not an alarm',
  'hostile-lookalikes.json': 'not an alarm', // a list of cases, each tested in parse.test.ts
  'sns-alarm.txt': { shape: 'sns-json', state: 'ALARM', route: 'datomic-self-destruct-alarm', input: datomic('metapod', 'prod', 'global') },
  'sns-ok.txt': { shape: 'sns-json', state: 'OK', route: 'datomic-self-destruct-alarm', input: datomic('metapod', 'prod', 'global') },
  'sns-generic.txt': 'unrouted',
  'sns-dynamodb-throttle.txt': { shape: 'sns-json', state: 'ALARM', route: 'dynamodb-datomic-table', input: datomic('analytics', 'prod') },
  'sns-insufficient-data.txt': { shape: 'sns-json', state: 'INSUFFICIENT_DATA', route: 'dynamodb-datomic-table', input: datomic('analytics', 'prod') },
  'sns-description-table.txt': { shape: 'sns-json', state: 'ALARM', route: 'datomic-table-in-description', input: datomic('billing', 'prod', 's0') },
  'sns-envelope.txt': 'unrouted',
  'sns-lambda-records.txt': 'unrouted',
  'datomic-text.json': { shape: 'datomic-text', state: 'ALARM', route: 'datomic-self-destruct-post', input: datomic('analytics', 'prod', 's3') },
  'datomic-fields.json': { shape: 'datomic-text', state: 'ALARM', route: 'datomic-self-destruct-post', input: datomic('ledger', 'staging', 's2') },
  'datomic-table-global.json': { shape: 'datomic-text', state: 'ALARM', route: 'datomic-self-destruct-post', input: datomic('metapod', 'prod', 'global') },
  'datomic-resolved.json': { shape: 'datomic-text', state: 'OK', route: 'datomic-self-destruct-post', input: datomic('ledger', 'prod', 's1') },
  'datomic-no-service.json': 'not an alarm',
  'airflow-failure.json': {
    shape: 'airflow-callback',
    state: 'ALARM',
    route: 'dagao-task-failure',
    input: { from: 'status', nodes: 30, tx: '7c9e6679-7425-40de-944b-e07fc1f90ae7', txSource: 'alarm' },
  },
  'airflow2-grid-link.json': {
    shape: 'airflow-callback',
    state: 'ALARM',
    route: 'dagao-task-failure',
    input: { from: 'status', nodes: 30, tx: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', txSource: 'alarm', runId: 'scheduled__2026-12-04T00:00:00+00:00' },
  },
  'airflow-logical-date-only.json': {
    shape: 'airflow-callback',
    state: 'ALARM',
    route: 'dagao-task-failure',
    input: { from: 'status', nodes: 30, txSource: 'alarm' },
  },
  'airflow3-run-link.json': {
    shape: 'airflow-callback',
    state: 'ALARM',
    route: 'dagao-task-failure',
    input: { from: 'status', nodes: 30, txSource: 'alarm', runId: 'manual__2026-12-05T10:00:00+00:00' },
  },
  'airflow-notifier-blocks.json': {
    shape: 'airflow-notifier',
    state: 'ALARM',
    route: 'dag-failure-with-transaction',
    input: { transactionId: 'f7832a01-001b-56f7-a4fe-b3a417f8f654', dagId: 'models-nightly', dagRunId: 'scheduled__2026-12-04T00:00:00+00:00' },
  },
  'airflow-notifier-text.json': {
    shape: 'airflow-notifier',
    state: 'ALARM',
    route: 'dag-failure-with-transaction',
    input: { transactionId: '5c1d2e3f-4a5b-4c6d-8e7f-901234567890', dagId: 'itaipu-datasets', dagRunId: 'scheduled__2026-12-04T00:00:00+00:00' },
  },
  'airflow-other-dag-no-tx.json': 'unrouted',
  'airflow-success.json': 'not an alarm',
};

describe('the alarm corpus (test/fixtures/alarms): every post is routed, left unrouted, or not an alarm', () => {
  it('lists every fixture file, and there are at least 30', () => {
    const files = readdirSync(FIXTURES).filter((f) => f !== 'README.md');
    expect(files.sort()).toEqual(Object.keys(CORPUS).sort());
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(CORPUS))('%s', async (file, expected) => {
    const seen = await examine(fixturePost(file), { routes, runbooks: ROUTING_RUNBOOKS, definitions });
    if (expected === 'not an alarm') return expect(seen.posted).toBeUndefined();
    expect(seen.posted).toBeDefined();
    if (expected === 'unrouted') {
      expect(seen.decision?.matched).toBeUndefined();
      // Every route says why it did not match.
      expect(seen.decision?.checks.every((c) => !c.matched && typeof c.failed === 'string')).toBe(true);
      return;
    }
    expect({ shape: seen.alarm?.shape, state: seen.alarm?.state, route: seen.decision?.matched?.route, input: seen.decision?.matched?.input }).toEqual(
      expected,
    );
  });
});
