import type { webApi } from '@slack/bolt';
import { defaultRoutes } from '../../../src/alarms/default-routes';
import { explainAlarm, parseMessageLink } from '../../../src/alarms/explain';
import { compileRoutes } from '../../../src/alarms/routes';
import { parseCommand } from '../../../src/slack/command-parser';
import { fixturePost, ROUTING_RUNBOOKS } from './corpus-helpers';

const pipeline = { routes: compileRoutes([], defaultRoutes({ dagaoDagId: 'dagao' })), runbooks: ROUTING_RUNBOOKS };

describe('/runbook alarms explain', () => {
  it('parses the command keeping the pasted text as typed, even past the usual length limit', () => {
    const paste = fixturePost('sns-dynamodb-throttle.txt').text!;
    expect(parseCommand(`alarms explain ${paste}${' '.repeat(600)}`, new Map())).toMatchObject({
      kind: 'alarms-explain',
      text: expect.stringContaining('"AlarmName":"analytics-throttled-writes"'),
    });
    expect(parseCommand('alarms fix', new Map())).toMatchObject({ kind: 'invalid', error: expect.stringContaining('Unknown alarms command') });
  });

  it('reads Slack message links with URL, refusing anything else', () => {
    expect(parseMessageLink('https://acme.slack.com/archives/C0123ABCD/p1700000000000100')).toEqual({ channel: 'C0123ABCD', ts: '1700000000.000100' });
    expect(parseMessageLink('<https://acme.slack.com/archives/C0123ABCD/p1700000001000200?thread_ts=1700000000.000100&cid=C0123ABCD>')).toEqual({
      channel: 'C0123ABCD',
      ts: '1700000001.000200',
      threadTs: '1700000000.000100',
    });
    expect(parseMessageLink('https://evil.example.com/archives/C0123ABCD/p1700000000000100')).toBeUndefined();
    expect(parseMessageLink('https://acme.slack.com/archives/C0123ABCD/p17/../../x')).toBeUndefined();
  });

  it('explains a pasted post: shape, routes in order with their first failing condition, the input; acts on nothing', async () => {
    const res = await explainAlarm(fixturePost('sns-dynamodb-throttle.txt').text!, { pipeline, client: {} as webApi.WebClient });
    expect(res.text).toContain('*Shape:* sns-json');
    expect(res.text).toContain(':heavy_minus_sign: `datomic-self-destruct-post` (built-in): source is cloudwatch, not datomic');
    expect(res.text).toMatch(/`datomic-self-destruct-alarm` \(built-in\): alarmName "analytics-throttled-writes" does not match/);
    expect(res.text).toContain(':white_check_mark: `dynamodb-datomic-table` (built-in) matched');
    expect(res.text).toContain('*Would propose* `datomic` with input `{"service":"analytics","env":"prod"}`');
  });

  it('fetches a linked message (a thread reply through conversations.replies) and says why nothing claims it', async () => {
    const calls: unknown[] = [];
    const post = fixturePost('chatbot-blocks-no-account.json');
    const client = {
      conversations: {
        replies: (args: unknown) => (
          calls.push(args),
          Promise.resolve({ ok: true, messages: [{ ts: '1700000001.000200', text: post.text, blocks: post.blocks }] })
        ),
        history: () => Promise.reject(new Error('not expected')),
      },
    } as unknown as webApi.WebClient;
    const res = await explainAlarm('https://acme.slack.com/archives/C0123ABCD/p1700000001000200?thread_ts=1700000000.000100', { pipeline, client });
    expect(calls).toEqual([
      { channel: 'C0123ABCD', ts: '1700000000.000100', latest: '1700000001.000200', oldest: '1700000001.000200', inclusive: true, limit: 1 },
    ]);
    expect(res.text).toContain('*Alarm:* `build-agents-cpu-high` in us-west-2');
    expect(res.text).toContain('*No route claims it:*');
  });

  it('says so when the text is not an alarm, and when a link cannot be read', async () => {
    expect((await explainAlarm('is the table ok?', { pipeline, client: {} as webApi.WebClient })).text).toMatch(/^\*Not an alarm\.\*/);
    const client = {
      conversations: { history: () => Promise.reject(Object.assign(new Error('x'), { data: { error: 'not_in_channel' } })) },
    } as unknown as webApi.WebClient;
    expect((await explainAlarm('https://acme.slack.com/archives/C0123ABCD/p1700000000000100', { pipeline, client })).text).toContain(
      'Slack answered `not_in_channel`',
    );
  });
});

describe('alarms seen, not handled', () => {
  it('are counted by source and shape, kept (bounded, newest first) with the reason, and listed in the App Home', async () => {
    const { Registry } = await import('prom-client');
    const { UnroutedAlarms } = await import('../../../src/alarms/unrouted');
    const { examine } = await import('../../../src/alarms/pipeline');
    const { renderAppHome } = await import('../../../src/slack/blocks/app-home');
    const registry = new Registry();
    const unrouted = new UnroutedAlarms(registry, () => new Date('2026-12-05T03:00:00Z'));
    for (let i = 0; i < 30; i++) {
      const seen = await examine(fixturePost(i % 2 ? 'chatbot-blocks-no-account.json' : 'airflow-other-dag-no-tx.json'), pipeline);
      unrouted.record(seen.alarm!, seen.decision);
    }
    const metrics = await registry.metrics();
    expect(metrics).toContain('runbook_alarms_unrouted_total{source="cloudwatch",shape="chatbot-blocks"} 15');
    expect(metrics).toContain('runbook_alarms_unrouted_total{source="airflow",shape="airflow-callback"} 15');
    const recent = unrouted.recent(100);
    expect(recent).toHaveLength(25);
    expect(recent[0]).toMatchObject({
      subject: 'build-agents-cpu-high',
      source: 'cloudwatch',
      reason: expect.stringMatching(/^datomic-self-destruct-alarm: alarmName "build-agents-cpu-high" does not match/),
    });
    expect(recent[1]).toMatchObject({
      subject: 'reports-weekly.export',
      reason: expect.stringMatching(/^dagao-task-failure: dag "reports-weekly" does not match dagao/),
    });
    const home = JSON.stringify(renderAppHome({ toApprove: [], mine: [], recent: [], unrouted: unrouted.recent(10) }));
    expect(home).toContain('Alarms seen, not handled');
    expect(home).toContain('`build-agents-cpu-high` · cloudwatch, chatbot-blocks');
  });
});
