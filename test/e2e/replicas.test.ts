import { startCloudWatchFake, type CloudWatchFake } from '../../src/sandbox/fakes/cloudwatch';
import type { MetapodFake } from '../../src/sandbox/fakes/metapod';
import type { EmulatedMessage, SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { clickButton, messageEvent } from '../support/payloads';
import { datomicTable, startDynalite, type LocalDynamo } from '../support/dynalite';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startReplicaPair, tempDatabase, textOf, type E2E, type ReplicaPair } from './harness';

let dynalite: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(() => dynalite.close());

/** How two replicas share state: one SQLite file, or one DynamoDB table (dynalite, created by the first). */
const SHARED_STORES: [string, () => { databasePath?: string; env?: Record<string, string> }][] = [
  ['one SQLite file', () => ({ databasePath: tempDatabase() })],
  ['one DynamoDB table', () => ({ env: { STORE: 'dynamodb', STORE_TABLE: `ops-${++tables}`, AWS_ENDPOINT_URL_DYNAMODB: dynalite.url } })],
];

describe.each(SHARED_STORES)('two replicas sharing %s', (_name, shared) => {
  let pair: ReplicaPair;
  let slack: SlackEmulator;
  let metapod: MetapodFake;
  let a: E2E;
  let b: E2E;
  beforeEach(async () => {
    pair = await startReplicaPair(shared());
    ({ slack, metapod, a, b } = pair);
  });
  afterEach(() => pair.close());

  it('send one Metapod request when both receive the same approval at once', async () => {
    metapod.respond({ delayMs: 150 });
    await a.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await a.planMessage());
    const click = clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: slack.newResponseUrl() });
    const [ra, rb] = await Promise.all([a.post(click), b.post(click)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    await messageShowing(slack, plan.ts, /Succeeded/);
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    expect(metapod.requests).toHaveLength(1);
  });

  it('send one request when two colleagues approve on different replicas at once', async () => {
    await b.command(`retract attribute ${DATASET_ID}`);
    const plan = snapshot(await b.planMessage());
    await Promise.all([
      a.post(clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: slack.newResponseUrl() })),
      b.post(clickButton(plan, 'op_approve', { userId: 'UOTHER', responseUrl: slack.newResponseUrl() })),
    ]);
    await messageShowing(slack, plan.ts, /Succeeded/);
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    expect(metapod.requests).toHaveLength(1);
    // Whoever lost the race was told the operation is already running or done.
    await waitFor(() => slack.ephemerals.length === 1, { what: 'one state explanation' });
    expect(slack.ephemerals[0]!.text).toMatch(/already (running|succeeded)|is approved by <@U\w+> and starting now/);
  });
});

describe.each(SHARED_STORES)('an alarm storm spread over two replicas sharing %s', (_name, shared) => {
  const TABLE = 'prod-s3-analytics-datomic';
  let pair: ReplicaPair;
  let cw: CloudWatchFake;
  beforeEach(async () => {
    cw = await startCloudWatchFake();
    cw.delayMs = 100; // a diagnosis takes a moment: repeats arrive on the other replica meanwhile
    cw.setSeries('WriteThrottleEvents', [0, 40, 12], { TableName: TABLE });
    cw.setSeries('ConsumedWriteCapacityUnits', [1200, 6000, 2400], { TableName: TABLE });
    await dynalite.createTable(datomicTable(TABLE, { read: 100, write: 50 })).catch(() => undefined); // one table for every test
    const store = shared();
    pair = await startReplicaPair({ ...store, env: { ...store.env, AWS_ENDPOINT_URL_DYNAMODB: dynalite.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url } });
  });
  afterEach(async () => {
    await pair.close();
    await cw.close();
    cw.assertNoUnexpected();
  });

  it('diagnoses the alarm once, on one replica, and counts every repeat the other replica received', async () => {
    const { slack, a, b } = pair;
    const post = (ts: string): string =>
      messageEvent({ channel: CHANNEL, ts, botId: 'BMONITOR', text: 'Datomic self-destruct alarm\n*service*: `analytics`\n*env*: prod\n*prototype*: s3' });
    // Slack delivers each post to one replica; posts 1-20 alternate between them, all at once.
    const posts = Array.from({ length: 20 }, (_, i) => `1800000500.${String(i + 1).padStart(6, '0')}`);
    const answers = await Promise.all(posts.map((ts, i) => (i % 2 === 0 ? a : b).post(post(ts))));
    expect(answers.every((r) => r.status === 200)).toBe(true);

    const intros = (): EmulatedMessage[] => posts.flatMap((ts) => slack.threadReplies(CHANNEL, ts)).filter((m) => /Recognised/.test(m.text));
    await waitFor(
      () => intros().length === 1 && posts.flatMap((ts) => slack.threadReplies(CHANNEL, ts)).some((m) => /Fired again \*19 times\*/.test(textOf(m))),
      {
        what: 'one diagnosis and 19 counted repeats',
        timeoutMs: 15_000,
      },
    );
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    const ops = await a.bot.store.listRecent(10);
    expect(ops).toHaveLength(1);
    // Every post is accounted for: the one diagnosed plus the repeats in the audit trail, each exactly once.
    const audit = await a.bot.store.auditTrail(ops[0]!.id);
    const counted = audit.flatMap((e) => (e.type === 'message_posted' && Array.isArray(e.detail.posts) ? (e.detail.posts as string[]) : []));
    const diagnosed = ops[0]!.location.threadTs!;
    expect([diagnosed, ...counted].sort()).toEqual(posts);
    expect(intros()).toHaveLength(1);
  });
});
