import type { webApi } from '@slack/bolt';
import pino from 'pino';
import { AlarmListener, type IncomingMessage } from '../../../src/alarms/listener';
import { compileRoutes } from '../../../src/alarms/routes';
import type { Alarm } from '../../../src/alarms/types';
import { UserFacingError } from '../../../src/operations/runbook';
import { BackendError } from '../../../src/actions/http/errors';
import { engineHarness, type Harness } from '../operations/engine-harness';

interface Posted {
  channel: string;
  thread_ts?: string;
  ts: string;
  text: string;
}

/** The three Web API methods the listener uses, recorded. */
function fakeClient(channels: Record<string, string> = { CDATA: 'guild-data-eng', CRANDOM: 'random' }) {
  const posted: Posted[] = [];
  const updates: { ts: string; text: string }[] = [];
  const lookups: string[] = [];
  let n = 0;
  const client = {
    chat: {
      postMessage: (args: { channel: string; thread_ts?: string; text: string }) => {
        n += 1;
        const ts = `1700000100.${String(n).padStart(6, '0')}`;
        posted.push({ channel: args.channel, thread_ts: args.thread_ts, ts, text: args.text });
        return Promise.resolve({ ok: true, ts });
      },
      update: (args: { ts: string; text: string }) => {
        updates.push({ ts: args.ts, text: args.text });
        return Promise.resolve({ ok: true });
      },
    },
    conversations: {
      info: (args: { channel: string }) => {
        lookups.push(args.channel);
        const name = channels[args.channel];
        return name
          ? Promise.resolve({ ok: true, channel: { id: args.channel, name } })
          : Promise.reject(Object.assign(new Error('channel_not_found'), { data: { error: 'channel_not_found' } }));
      },
    },
  };
  return { client: client as unknown as webApi.WebClient, posted, updates, lookups };
}

/** Routes Datomic posts (by service) and Airflow failures (by DAG) to the harness's fake runbook. */
const FAKE_ROUTES = compileRoutes(
  [
    { name: 'fake-datomic', match: { source: 'datomic' }, runbook: 'fake', input: { target: '{service}' } },
    { name: 'fake-airflow', match: { source: 'airflow' }, runbook: 'fake', input: { target: '{dag}' } },
  ],
  [],
);

const datomicPost = (ts: string, service = 'analytics', extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  channel: 'CDATA',
  ts,
  text: `Datomic self-destruct alarm\n*service*: \`${service}\`\n*env*: prod`,
  botId: 'BMONITOR',
  subtype: 'bot_message',
  ...extra,
});

describe('AlarmListener', () => {
  let h: Harness;
  let slack: ReturnType<typeof fakeClient>;
  let listener: AlarmListener;
  const claims: Alarm[] = [];

  beforeEach(() => {
    h = engineHarness({ risks: ['mutating'] });
    // The fake runbook claims Datomic alarms; its plan takes 50 ms to build, like a backend lookup.
    Object.assign(h.runbook, { fromAlarm: (a: Alarm) => (claims.push(a), a.kind === 'datomic-self-destruct' ? { target: a.service } : undefined) });
    const build = h.runbook.buildPlan.bind(h.runbook);
    h.runbook.buildPlan = async (input, ctx) => (await new Promise((r) => setTimeout(r, 50)), build(input, ctx));
    slack = fakeClient();
    listener = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: h.engine,
      store: h.store,
      runbooks: new Map([['fake', h.runbook]]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'guild-data-eng',
      self: { userId: 'UBOT', botId: 'BBOT' },
      counterEveryMs: 20,
    });
    claims.length = 0;
  });
  afterEach(async () => {
    await listener.idle();
    await h.engine.stop();
  });

  it('replies in the alarm thread and proposes the claiming runbook there, keyed by the alarm', async () => {
    expect(await listener.accept(datomicPost('1700000000.000100'))).toBe(true);
    await listener.idle();
    const [op] = await h.store.listRecent(5);
    expect(op).toMatchObject({
      runbook: 'fake',
      input: { target: 'analytics' },
      correlationKey: 'fake:{"target":"analytics"}',
      location: { channel: 'CDATA', threadTs: '1700000000.000100' },
      requester: 'UBOT',
    });
    // The alarm's description travels with the operation, so its plan says which alarm started it.
    expect(op!.alarm).toEqual({ description: 'a *Datomic self-destruct* of `analytics` (prod)' });
    expect(slack.posted[0]).toMatchObject({
      channel: 'CDATA',
      thread_ts: '1700000000.000100',
      text: expect.stringMatching(/^:mag: Recognised a \*Datomic self-destruct\* of `analytics` \(prod\)/),
    });
  });

  it('after proposing the claimer, offers (as a button, nothing started) another runbook that wants the alarm', async () => {
    const other = {
      name: 'other',
      title: 'Other runbook',
      offerForAlarm: (a: Alarm) => (a.kind === 'datomic-self-destruct' ? { service: a.service } : undefined),
    };
    const both = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: h.engine,
      store: h.store,
      runbooks: new Map([
        ['fake', h.runbook],
        ['other', other as never],
      ]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'guild-data-eng',
      self: { userId: 'UBOT' },
    });
    await both.accept(datomicPost('1700000000.000300'));
    await both.idle();
    expect(await h.store.listRecent(5)).toHaveLength(1); // only the claimer's operation
    const offer = slack.posted.find((p) => p.text.startsWith(':bulb:'));
    expect(offer).toMatchObject({ channel: 'CDATA', thread_ts: '1700000000.000300', text: expect.stringContaining('*Other runbook* (service `analytics`)') });
  });

  it('counts another failed task of the same Airflow run into the open operation, naming the task', async () => {
    Object.assign(h.runbook, { fromAlarm: (a: Alarm) => (a.kind === 'airflow-task-failure' ? { target: a.dagId } : undefined) });
    const failure = (ts: string, task: string): IncomingMessage => ({
      channel: 'CDATA',
      ts,
      botId: 'BAIRFLOW',
      subtype: 'bot_message',
      text: `Task Failed.\n*Task*: ${task}\n*Dag*: dagao\n*Execution Time*: 2026-11-24T00:00:00+00:00`,
    });
    await listener.accept(failure('1700000000.000400', 'itaipu-contracts'));
    await listener.idle();
    await listener.accept(failure('1700000000.000500', 'itaipu-rest'));
    await listener.idle();
    expect(await h.store.listRecent(5)).toHaveLength(1);
    const counter = slack.updates.at(-1) ?? slack.posted.at(-1)!;
    expect(counter.text).toMatch(/Fired again \*1 time\* since this diagnosis \(last <!date\^1700000000\^\{time\}\|just now>, task `itaipu-rest`\)/);
  });

  it('turns a storm of 500 posts of one alarm into one diagnosis and counts every repeat', async () => {
    for (let i = 0; i < 500; i++) await listener.accept(datomicPost(`1700000000.${String(i).padStart(6, '0')}`));
    await listener.idle();
    expect(await h.store.listRecent(10)).toHaveLength(1);
    const [op] = await h.store.listRecent(1);
    const audit = await h.store.auditTrail(op!.id);
    const counted = audit.filter((a) => a.type === 'message_posted' && a.detail.alarm).reduce((sum, a) => sum + (a.detail.repeats as number), 0);
    expect(counted).toBe(499);
    const counter = slack.updates.at(-1) ?? slack.posted.at(-1)!;
    expect(counter.text).toMatch(/Fired again \*499 times\*/);
    // Batched: far fewer Slack edits than posts.
    expect(slack.updates.length).toBeLessThan(20);
  });

  it('paces counter edits of one alarm: posts arriving one by one are counted in a few edits', async () => {
    await listener.accept(datomicPost('1700000005.000000'));
    await listener.idle();
    for (let i = 1; i <= 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      await listener.accept(datomicPost(`1700000005.${String(i).padStart(6, '0')}`));
    }
    await listener.idle();
    expect((slack.updates.at(-1) ?? slack.posted.at(-1)!).text).toMatch(/Fired again \*30 times\*/);
    // 30 posts ~2 ms apart against a 20 ms gap: a handful of edits, not 30.
    expect(slack.updates.length).toBeLessThan(15);
  });

  it('keeps different alarms apart: 10 services x 50 posts make 10 diagnoses and 490 counted repeats', async () => {
    for (let i = 0; i < 500; i++) await listener.accept(datomicPost(`1700000001.${String(i).padStart(6, '0')}`, `svc${i % 10}`));
    await listener.idle();
    const ops = await h.store.listRecent(50);
    expect(ops).toHaveLength(10);
    let counted = 0;
    for (const op of ops)
      for (const a of await h.store.auditTrail(op.id)) if (a.type === 'message_posted' && a.detail.alarm) counted += a.detail.repeats as number;
    expect(counted).toBe(490);
  });

  it('counts repeats into a diagnosis that already ended, within the repeat window, instead of diagnosing again', async () => {
    h = engineHarness({ risks: ['read-only'] });
    Object.assign(h.runbook, { fromAlarm: (a: Alarm) => (a.kind === 'datomic-self-destruct' ? { target: a.service } : undefined) });
    listener = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: h.engine,
      store: h.store,
      runbooks: new Map([['fake', h.runbook]]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'CDATA',
      self: {},
      repeatWindowMs: 60_000,
      counterEveryMs: 0,
    });
    await listener.accept(datomicPost('1700000004.000100'));
    await listener.idle();
    await h.engine.idle();
    const [op] = await h.store.listRecent(5);
    expect(op!.state).toBe('succeeded');
    await listener.accept(datomicPost('1700000004.000200'));
    await listener.idle();
    expect(await h.store.listRecent(5)).toHaveLength(1);
    expect(slack.updates.at(-1)?.text).toMatch(/Fired again \*1 time\*/);
    expect(slack.lookups).toEqual([]); // a channel id in RUNBOOK_CHANNEL needs no lookup
  });

  it('diagnoses again when the alarm fires after an operation that changed something', async () => {
    h = engineHarness({ risks: ['read-only', 'mutating'] });
    Object.assign(h.runbook, { fromAlarm: (a: Alarm) => (a.kind === 'datomic-self-destruct' ? { target: a.service } : undefined) });
    listener = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: h.engine,
      store: h.store,
      runbooks: new Map([['fake', h.runbook]]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'CDATA',
      self: {},
      counterEveryMs: 0,
    });
    await listener.accept(datomicPost('1700000006.000100'));
    await listener.idle();
    await h.engine.idle();
    const [op] = await h.store.listRecent(5);
    await h.approveAs(op!, 'UAPP');
    await h.engine.idle();
    expect((await h.store.get(op!.id))!.state).toBe('succeeded');
    await listener.accept(datomicPost('1700000006.000200'));
    await listener.idle();
    expect(await h.store.listRecent(5)).toHaveLength(2);
  });

  it('notes an OK transition in the open thread, and says nothing for an OK without an open operation', async () => {
    await listener.accept({ ...datomicPost('1700000002.000100'), text: 'Datomic self-destruct resolved\n*service*: `quiet`' });
    await listener.idle();
    expect(slack.posted).toHaveLength(0);
    await listener.accept(datomicPost('1700000002.000200'));
    await listener.idle();
    await listener.accept({ ...datomicPost('1700000002.000300'), text: 'Datomic self-destruct resolved\n*service*: `analytics`\n*env*: prod' });
    await listener.idle();
    expect(slack.posted.at(-1)).toMatchObject({ thread_ts: '1700000002.000200', text: expect.stringMatching(/back to \*OK\*/) });
  });

  it('watches a private runbook channel, named or given by id (groups:read, message.groups)', async () => {
    const priv = fakeClient({ GPRIVATE: 'oncall-private' });
    for (const channel of ['oncall-private', 'GPRIVATE']) {
      const l = new AlarmListener({
        routes: FAKE_ROUTES,
        engine: h.engine,
        store: h.store,
        runbooks: new Map([['fake', h.runbook]]),
        client: priv.client,
        logger: pino({ level: 'silent' }),
        channel,
        self: {},
      });
      expect(await l.accept(datomicPost(`1700000020.00010${channel.length % 10}`, `svc${channel.length}`, { channel: 'GPRIVATE' }))).toBe(true);
      await l.idle();
    }
    expect(await h.store.listRecent(5)).toHaveLength(2);
    expect(priv.lookups).toEqual(['GPRIVATE']);
  });

  it('ignores other channels (looked up once), its own posts, edits, and posts that are not alarms', async () => {
    expect(await listener.accept(datomicPost('1.1', 'a', { channel: 'CRANDOM' }))).toBe(false);
    expect(await listener.accept(datomicPost('1.2', 'a', { channel: 'CRANDOM' }))).toBe(false);
    expect(slack.lookups).toEqual(['CRANDOM']);
    expect(await listener.accept(datomicPost('1.3', 'a', { botId: 'BBOT' }))).toBe(false);
    expect(await listener.accept(datomicPost('1.4', 'a', { user: 'UBOT', botId: undefined, subtype: undefined }))).toBe(false);
    expect(await listener.accept(datomicPost('1.5', 'a', { subtype: 'message_changed' }))).toBe(false);
    expect(await listener.accept({ channel: 'CDATA', ts: '1.6', text: 'lunch?', user: 'U1' })).toBe(false);
    await listener.idle();
    expect(slack.posted).toHaveLength(0);
    expect(claims).toHaveLength(0);
  });

  it('keeps counting into a diagnosis that ended after a restart: the repeat window comes from the store', async () => {
    h = engineHarness({ risks: ['read-only'] });
    Object.assign(h.runbook, { fromAlarm: (a: Alarm) => (a.kind === 'datomic-self-destruct' ? { target: a.service } : undefined) });
    const make = () =>
      new AlarmListener({
        routes: FAKE_ROUTES,
        engine: h.engine,
        store: h.store,
        runbooks: new Map([['fake', h.runbook]]),
        client: slack.client,
        logger: pino({ level: 'silent' }),
        channel: 'CDATA',
        self: {},
        counterEveryMs: 0,
      });
    listener = make();
    await listener.accept(datomicPost('1700000007.000100'));
    await listener.idle();
    await h.engine.idle();
    listener = make(); // a restarted process: nothing in memory
    await listener.accept(datomicPost('1700000007.000200'));
    await listener.idle();
    expect(await h.store.listRecent(5)).toHaveLength(1);
    // The new process edits the first reply (recorded with the operation) rather than posting a new counter.
    expect(slack.posted).toHaveLength(1);
    expect(slack.updates.at(-1)).toEqual({ ts: slack.posted[0]!.ts, text: expect.stringMatching(/^:mag: Recognised[\s\S]*\n:repeat: Fired again \*1 time\*/) });
  });

  it('lets one replica diagnose an alarm that two replicas see at once; the other counts into its operation', async () => {
    // Two engines and listeners over one store, as two replicas over one table. Slack delivers each post
    // to one replica: the first post to A, a repeat to B while A's diagnosis (50 ms) is still running.
    const b = engineHarness({ risks: ['mutating'], store: h.store });
    Object.assign(b.runbook, { fromAlarm: (a: Alarm) => (a.kind === 'datomic-self-destruct' ? { target: a.service } : undefined) });
    const replicaB = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: b.engine,
      store: h.store,
      runbooks: new Map([['fake', b.runbook]]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'guild-data-eng',
      self: { userId: 'UBOT', botId: 'BBOT' },
      counterEveryMs: 20,
      claimMs: 5_000,
    });
    await listener.accept(datomicPost('1700000008.000100'));
    await new Promise((r) => setTimeout(r, 5));
    await replicaB.accept(datomicPost('1700000008.000200'));
    await Promise.all([listener.idle(), replicaB.idle()]);
    const ops = await h.store.listRecent(5);
    expect(ops).toHaveLength(1);
    expect(slack.posted.filter((p) => p.text.startsWith(':mag: Recognised'))).toHaveLength(1);
    const audit = await h.store.auditTrail(ops[0]!.id);
    expect(audit.filter((a) => a.type === 'message_posted' && a.detail.alarm).map((a) => a.detail.posts)).toEqual([['1700000008.000200']]);
    // B edits the reply A posted: one counter in the thread, not one per replica.
    const intro = slack.posted.find((p) => p.text.startsWith(':mag: Recognised'))!;
    expect(slack.updates.at(-1)).toEqual({ ts: intro.ts, text: expect.stringMatching(/Fired again \*1 time\*/) });
    await b.engine.stop();
  });

  it('tries again once a claim whose diagnosis never came has expired', async () => {
    // Another replica claimed the alarm and died before proposing anything.
    expect(await h.store.remember('alarm-claim:fake:{"target":"analytics"}:none', 300)).toBe(true);
    listener = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: h.engine,
      store: h.store,
      runbooks: new Map([['fake', h.runbook]]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'CDATA',
      self: {},
      claimMs: 300,
    });
    await listener.accept(datomicPost('1700000009.000100'));
    await listener.idle();
    expect(await h.store.listRecent(5)).toHaveLength(1);
  });

  it("stops waiting on another replica's claim at shutdown, proposing nothing", async () => {
    expect(await h.store.remember('alarm-claim:fake:{"target":"analytics"}:none', 60_000)).toBe(true);
    listener = new AlarmListener({
      routes: FAKE_ROUTES,
      engine: h.engine,
      store: h.store,
      runbooks: new Map([['fake', h.runbook]]),
      client: slack.client,
      logger: pino({ level: 'silent' }),
      channel: 'CDATA',
      self: {},
    });
    await listener.accept(datomicPost('1700000010.000100'));
    await new Promise((r) => setTimeout(r, 50));
    await listener.stop();
    expect(await h.store.listRecent(5)).toHaveLength(0);
    expect(slack.posted).toHaveLength(0);
  });

  it('says in the thread why nothing was proposed when the plan is refused', async () => {
    h.runbook.buildError = new UserFacingError('No DynamoDB table found for service `analytics`: tried `prod-analytics-datomic`.');
    await listener.accept(datomicPost('1700000003.000100'));
    await listener.idle();
    expect(slack.posted.map((p) => p.text)).toEqual([
      expect.stringMatching(/^:mag: Recognised/),
      ':warning: No DynamoDB table found for service `analytics`: tried `prod-analytics-datomic`.',
    ]);
    expect(await h.store.listRecent(5)).toHaveLength(0);
  });

  it("says which backend failed, escaped once, when the diagnosis's read fails (not 'something went wrong')", async () => {
    h.runbook.buildError = new BackendError('dynamodb', 'http_status', 'DynamoDB answered 500: <!channel> & co', 500);
    await listener.accept(datomicPost('1700000004.000100'));
    await listener.idle();
    expect(slack.posted.map((p) => p.text)).toEqual([
      expect.stringMatching(/^:mag: Recognised/),
      ':warning: Could not diagnose this alarm (nothing was changed): DynamoDB answered 500: &lt;!channel&gt; &amp; co',
    ]);
    expect(await h.store.listRecent(5)).toHaveLength(0);
  });
});
