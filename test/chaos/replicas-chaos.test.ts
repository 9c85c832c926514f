import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawnBot, type ChildBot } from '../e2e/child-bot';
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET, textOf } from '../e2e/harness';
import { startMetapodFake, type MetapodFake } from '../../src/sandbox/fakes/metapod';
import { startSlackEmulator, type EmulatedMessage, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { clickButton, slashCommand } from '../support/payloads';
import { postToSlackEndpoint } from '../support/slack-signing';
import { startDynaliteProcess } from '../support/dynalite';
import { waitFor } from '../support/wait-for';
import { DynamoStore } from '../../src/store/dynamodb';
import type { Operation } from '../../src/operations/types';

/**
 * Several bot processes share one DynamoDB table (dynalite in its own process). Every approval is
 * delivered to every replica at once, retried with the same trigger id, and double-clicked by a
 * second approver: each operation must reach Metapod exactly once, none may be left stuck, and each
 * audit trail must be complete. CHAOS_OPERATIONS overrides the count (1,000 by default).
 */
const OPERATIONS = Number(process.env.CHAOS_OPERATIONS ?? 1000);
const CONCURRENCY = 16;

jest.setTimeout(600_000);

/** A distinct, valid dataset id per operation. */
function datasetId(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

async function pool<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await fn(i);
      }
    }),
  );
  return results;
}

describe.each([2, 3])('%i replicas sharing DynamoDB under duplicated, retried and racing approvals', (replicaCount) => {
  let slack: SlackEmulator;
  let metapod: MetapodFake;
  let dynamo: { url: string; close(): Promise<void> };
  const bots: ChildBot[] = [];
  const table = `chaos-${replicaCount}`;

  beforeAll(async () => {
    slack = await startSlackEmulator();
    metapod = await startMetapodFake();
    metapod.respond({ delayMs: 15 });
    dynamo = await startDynaliteProcess();
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      METAPOD_URL: metapod.url,
      STORE: 'dynamodb',
      STORE_TABLE: table,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'info',
    };
    // Sequentially: the first creates the table, the others find it.
    for (let i = 0; i < replicaCount; i++) bots.push(await spawnBot(env));
  });

  afterAll(async () => {
    await Promise.all(bots.splice(0).map((b) => b.kill('SIGTERM')));
    await dynamo.close();
    await slack.close();
    await metapod.close();
  });

  it(`runs each of ${OPERATIONS} approved retractions exactly once, leaves none stuck, loses no audit entry`, async () => {
    const send = (bot: ChildBot, body: string, headers: Record<string, string> = {}) =>
      postToSlackEndpoint(`${bot.url}/slack/events`, body, { secret: SIGNING_SECRET, headers });
    const pick = (i: number) => bots[i % bots.length]!;
    // Plans are found by the dataset id in their text; each message is scanned once (the emulator's
    // list only grows), so thousands of waiting polls stay cheap.
    const plans = new Map<string, EmulatedMessage>();
    let scanned = 0;
    const planOf = (id: string): EmulatedMessage | undefined => {
      for (; scanned < slack.messages.length; scanned++) {
        const m = slack.messages[scanned]!;
        if (m.channel !== CHANNEL || m.thread_ts !== undefined) continue;
        const found = /00000000-0000-4000-8000-[0-9a-f]{12}/.exec(textOf(m));
        if (found) plans.set(found[0], m);
      }
      return plans.get(id);
    };

    const statuses = await pool(OPERATIONS, CONCURRENCY, async (i) => {
      const id = datasetId(i);
      const command = await send(
        pick(i),
        slashCommand({ text: `retract attribute ${id}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: slack.newResponseUrl() }),
      );
      const plan = structuredClone(await waitFor(() => planOf(id), { what: `the plan of ${id}`, timeoutMs: 30_000, intervalMs: 50 }));
      const approval = clickButton(plan, 'op_approve', { userId: 'UAPP1', responseUrl: slack.newResponseUrl(), triggerId: `chaos.${i}.approve` });
      const doubleClick = clickButton(plan, 'op_approve', { userId: 'UAPP2', responseUrl: slack.newResponseUrl(), triggerId: `chaos.${i}.double` });
      const responses = await Promise.all([
        ...bots.map((bot) => send(bot, approval)),
        send(pick(i + 1), approval, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
        send(pick(i + 2), doubleClick),
      ]);
      return [command.status, ...responses.map((r) => r.status)];
    });
    // Every delivery was acknowledged (a duplicate is acked too, never an error Slack would retry).
    expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);

    const client = new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const store = await DynamoStore.open(client, table);
    try {
      let last: Operation[] = [];
      const all = await waitFor(
        async () => {
          last = await store.listRecent(OPERATIONS + 10);
          return last.length === OPERATIONS && last.every((o) => o.state === 'succeeded') ? last : undefined;
        },
        { what: 'every operation to succeed', timeoutMs: 120_000, intervalMs: 500 },
      ).catch((err: Error) => {
        const states = last.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.state]: (acc[o.state] ?? 0) + 1 }), {});
        const stuck = last.find((o) => o.state !== 'succeeded');
        const log = bots
          .map((b) => b.output.join(''))
          .join('')
          .split('\n')
          .filter((l) => stuck && l.includes(stuck.id))
          .slice(0, 20);
        throw new Error(
          `${err.message}: ${last.length} operations, states ${JSON.stringify(states)}, ${metapod.requests.length} Metapod requests; ${stuck?.id}: ${JSON.stringify(stuck?.results)}\n${log.join('\n')}`,
        );
      });
      // Exactly once: one Metapod request per dataset, none extra.
      expect(metapod.requests).toHaveLength(OPERATIONS);
      expect(new Set(metapod.requests.map((r) => r.id)).size).toBe(OPERATIONS);
      await assertCompleteAuditTrails(store, all);
    } finally {
      await store.close();
    }
    slack.assertNoUnexpected();
    metapod.assertNoUnexpected();
  });
});

/** Each trail is contiguous and tells the whole story once: created, posted, approved, started, finished, succeeded. */
async function assertCompleteAuditTrails(store: DynamoStore, ops: Operation[]): Promise<void> {
  const problems: string[] = [];
  await pool(ops.length, 16, async (i) => {
    const op = ops[i]!;
    const trail = await store.auditTrail(op.id);
    const types = trail.map((e) => e.type);
    const count = (t: string) => types.filter((x) => x === t).length;
    if (trail.some((e, n) => e.seq !== n + 1)) problems.push(`${op.id}: gaps in the sequence`);
    for (const t of ['created', 'message_posted', 'step_finished', 'succeeded']) if (count(t) !== 1) problems.push(`${op.id}: ${count(t)} × ${t}`);
    if (count('approved') !== op.approvals.length || op.approvals.length !== 1)
      problems.push(`${op.id}: ${count('approved')} approvals audited, ${op.approvals.length} stored`);
    if (count('step_started') < 1) problems.push(`${op.id}: no step_started`);
  });
  expect(problems).toEqual([]);
}
