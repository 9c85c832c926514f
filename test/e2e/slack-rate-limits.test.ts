import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudWatchActions } from '../../src/actions/cloudwatch/cloudwatch-actions';
import type { DynamoDbActions } from '../../src/actions/dynamodb/dynamodb-actions';
import type { SlackRateLimits } from '../../src/slack/rate-limits';
import { TINY_PNG } from '../../src/sandbox/fakes/cloudwatch';
import { messageEvent } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, useE2E } from './harness';

// AWS Chatbot's post of a WriteThrottleEvents alarm (Block Kit; see test/fixtures/alarms/README.md), one per table.
const FIXTURE_TABLE = 'prod-s3-analytics-datomic';
const CHATBOT = readFileSync(join(__dirname, '../fixtures/alarms/chatbot-blocks.json'), 'utf8');
const tables = Array.from({ length: 20 }, (_, i) => `prod-s3-svc${String.fromCharCode(97 + i)}-datomic`);

let seq = 0;
function alarmPost(table: string): { body: string; ts: string } {
  seq += 1;
  const ts = `${1_800_000_000 + seq}.000100`;
  const post = JSON.parse(CHATBOT.split(FIXTURE_TABLE).join(table)) as { text: string; blocks: unknown[] };
  const body = JSON.parse(messageEvent({ channel: CHANNEL, text: post.text, ts, botId: 'BCHATBOT' })) as { event: Record<string, unknown> };
  body.event.blocks = post.blocks;
  return { body: JSON.stringify(body), ts };
}

// Every table is provisioned and was throttled: each alarm gets a diagnosis, a chart and a plan.
const dynamodb: DynamoDbActions = {
  describeTable: (name) => Promise.resolve({ name, status: 'ACTIVE', billingMode: 'PROVISIONED', read: 100, write: 50, decreasesToday: 0, indexes: [] }),
  updateCapacity: () => Promise.reject(new Error('no update expected in this test')),
};
const cloudwatch: CloudWatchActions = {
  getMetricData: (queries, window) =>
    Promise.resolve(queries.map((q) => ({ id: q.id, timestamps: [window.start], values: [/Throttle/.test(q.metricName) ? 40 : 3000] }))),
  getMetricWidgetImage: () => Promise.resolve(TINY_PNG),
};

// Slack's limits scaled down to a second so the test runs fast: the bot is told the same numbers.
const WINDOW_MS = 1000;
const limits: SlackRateLimits = {
  default: { limit: 20, windowMs: WINDOW_MS },
  perMethod: { 'chat.update': { limit: 10, windowMs: WINDOW_MS } },
  perChannel: { 'chat.postMessage': { limit: 10, windowMs: WINDOW_MS } },
};

describe('a storm over 20 different alarms against Slack rate limits', () => {
  const e2e = useE2E({ overrides: { dynamodb, cloudwatch, slackRateLimits: limits } });

  it('never goes over the limit, and every alarm gets its reply, its plan and its counter', async () => {
    e2e.slack.faults.rateLimit('chat.postMessage', { limit: 10, windowMs: WINDOW_MS, perChannel: true });
    e2e.slack.faults.rateLimit('chat.update', { limit: 10, windowMs: WINDOW_MS });
    const firsts = tables.map((t) => alarmPost(t));
    for (const post of firsts) expect((await e2e.post(post.body)).status).toBe(200);
    // Each alarm fires twice more while its first reply is being worked on.
    for (let round = 0; round < 2; round++) for (const t of tables) expect((await e2e.post(alarmPost(t).body)).status).toBe(200);

    for (const [i, first] of firsts.entries()) {
      await waitFor(() => e2e.slack.threadReplies(CHANNEL, first.ts).find((m) => buttonsOf(m).includes('op_approve')), {
        timeoutMs: 60_000,
        what: `the plan for ${tables[i]}`,
      });
      await waitFor(() => e2e.slack.threadReplies(CHANNEL, first.ts).find((m) => /Recognised/.test(m.text) && /Fired again \*2 times\*/.test(m.text)), {
        timeoutMs: 30_000,
        what: `the counter of ${tables[i]}`,
      });
    }
    expect(e2e.slack.faults.rateLimited).toEqual([]);
    expect(e2e.slack.callsTo('chat.update').length).toBeGreaterThan(10);
    expect(e2e.slack.callsTo('chat.postMessage').length).toBeGreaterThan(40);
  }, 120_000);

  it('waits out a 429 it did not expect (another app on the workspace) and loses no reply', async () => {
    // A limit below the bot's own: Slack answers 429 with Retry-After, the bot waits and sends again.
    e2e.slack.faults.rateLimit('chat.postMessage', { limit: 3, windowMs: WINDOW_MS, perChannel: true });
    const posts = tables.slice(0, 4).map((t) => alarmPost(t));
    for (const post of posts) await e2e.post(post.body);
    for (const post of posts) {
      await waitFor(() => e2e.slack.threadReplies(CHANNEL, post.ts).find((m) => buttonsOf(m).includes('op_approve')), {
        timeoutMs: 60_000,
        what: 'the plan after 429s',
      });
    }
    expect(e2e.slack.faults.rateLimited.length).toBeGreaterThan(0);
    expect(e2e.logs.some((l) => l.includes('waiting as Retry-After says'))).toBe(true);
  }, 120_000);
});
