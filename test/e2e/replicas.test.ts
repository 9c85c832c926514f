import type { MetapodFake } from '../fakes/metapod';
import type { SlackEmulator } from '../fakes/slack-api';
import { clickButton } from '../support/payloads';
import { startDynalite, type LocalDynamo } from '../support/dynalite';
import { waitFor } from '../support/wait-for';
import { DATASET_ID, messageShowing, snapshot, startReplicaPair, tempDatabase, type E2E, type ReplicaPair } from './harness';

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
