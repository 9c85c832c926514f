// Issue 18 item 1: the ack waits for nothing. The store is made slow the way a busy, throttled or far
// DynamoDB table is (every call takes 1.5 s); every Slack request must still be answered before any
// store call it caused has completed, and its work must still happen, once, after the ack.
import { MemoryStore } from '../../src/store/memory';
import type { MetapodFake } from '../../src/sandbox/fakes/metapod';
import { startMetapodFake } from '../../src/sandbox/fakes/metapod';
import type { SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { startSlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { startSocketModeServer, type SocketModeServer } from '../../src/sandbox/fakes/socket-mode';
import { appHomeOpened, clickButton, messageEvent, slashCommand } from '../support/payloads';
import { callsEndedBefore, slowStore, type Timeline } from '../support/slow-store';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startE2E, type E2E } from './harness';

const STORE_DELAY_MS = 1500;
// Sweeps would keep the slow store busy all along; this test is about the requests alone.
const overrides = { sweepEveryMs: 3_600_000 };
const slow = { timeoutMs: 30_000 };

describe('a store whose every call takes 1.5 s (HTTP mode)', () => {
  let slack: SlackEmulator;
  let metapod: MetapodFake;
  let a: E2E;
  let b: E2E;
  let timeline: Timeline;

  beforeAll(async () => {
    [slack, metapod] = await Promise.all([startSlackEmulator(), startMetapodFake()]);
    timeline = [];
    // Two replicas over one shared store, as two pods over one DynamoDB table.
    const store = slowStore(new MemoryStore(), STORE_DELAY_MS, timeline);
    a = await startE2E({ slack, metapod, overrides: { ...overrides, store } });
    b = await startE2E({ slack, metapod, overrides: { ...overrides, store } });
  }, 60_000);
  afterAll(async () => {
    await a.close();
    await b.close();
    await Promise.all([slack.close(), metapod.close()]);
    slack.assertNoUnexpected();
    metapod.assertNoUnexpected();
  });

  /** Posts `body` to `to`, marking in the timeline when it was sent and when its response arrived. */
  async function timed(to: E2E, name: string, body: string, headers?: Record<string, string>) {
    timeline.push(`sent:${name}`);
    const res = await to.post(body, { headers });
    timeline.push(`ack:${name}`);
    return res;
  }

  it('acks a command and its retry before any store call ends; the plan follows, once', async () => {
    const body = slashCommand({
      text: `retract attribute ${DATASET_ID}`,
      userId: 'UREQ',
      channelId: CHANNEL,
      responseUrl: slack.newResponseUrl(),
      triggerId: '1700000000.18.slow',
    });
    const [first, retry] = await Promise.all([
      timed(a, 'command', body),
      timed(b, 'retry', body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(callsEndedBefore(timeline, 'sent:command', 'ack:command')).toEqual([]);
    expect(callsEndedBefore(timeline, 'sent:retry', 'ack:retry')).toEqual([]);

    const plan = await waitFor(() => slack.topLevel(CHANNEL).at(-1), { ...slow, what: 'the plan' });
    expect(plan.text).toMatch(/retract/i);
    await waitFor(() => [...a.logs, ...b.logs].some((l) => l.includes('duplicate Slack delivery ignored')), { ...slow, what: 'the retry to be dropped' });
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    expect((await a.bot.store.listRecent(10)).map((o) => o.runbook)).toEqual(['retract']);
  }, 60_000);

  it('acks an approval click before any store call ends, and runs the step once', async () => {
    const plan = snapshot(slack.topLevel(CHANNEL).at(-1)!);
    const click = clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: slack.newResponseUrl(), triggerId: '1700000000.18.click' });
    const responses = await Promise.all([
      timed(a, 'click', click),
      timed(b, 'click-retry', click, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(callsEndedBefore(timeline, 'sent:click', 'ack:click')).toEqual([]);
    expect(callsEndedBefore(timeline, 'sent:click-retry', 'ack:click-retry')).toEqual([]);

    await messageShowing(slack, plan.ts, /Succeeded/, 60_000);
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    expect(metapod.requests).toHaveLength(1);
  }, 90_000);

  it('acks events (a channel message, the Home tab) before any store call ends, and still handles them', async () => {
    const message = messageEvent({ channel: CHANNEL, text: 'good morning', ts: '1700000100.000200', user: 'UPERSON' });
    const home = appHomeOpened({ userId: 'UHOME' });
    const [m, h] = await Promise.all([timed(a, 'message', message), timed(b, 'home', home)]);
    expect([m.status, h.status]).toEqual([200, 200]);
    expect(callsEndedBefore(timeline, 'sent:message', 'ack:message')).toEqual([]);
    expect(callsEndedBefore(timeline, 'sent:home', 'ack:home')).toEqual([]);
    // The Home tab is published after the ack, from the (slow) store.
    await waitFor(() => slack.homeViews.get('UHOME'), { ...slow, what: 'the Home tab' });
  }, 60_000);
});

describe('a store whose every call takes 1.5 s (Socket Mode)', () => {
  let slack: SlackEmulator;
  let metapod: MetapodFake;
  let socket: SocketModeServer;
  let e2e: E2E;
  const timeline: Timeline = [];

  beforeAll(async () => {
    [slack, metapod, socket] = await Promise.all([startSlackEmulator(), startMetapodFake(), startSocketModeServer()]);
    slack.setSocketModeUrl(socket.url);
    const store = slowStore(new MemoryStore(), STORE_DELAY_MS, timeline);
    e2e = await startE2E({ slack, metapod, env: { SLACK_APP_TOKEN: 'xapp-1-e2e-app-token', SLACK_SIGNING_SECRET: '' }, overrides: { ...overrides, store } });
    await socket.connected();
  }, 60_000);
  afterAll(async () => {
    await e2e.close();
    await Promise.all([socket.close(), slack.close(), metapod.close()]);
    socket.assertNoUnexpected();
    slack.assertNoUnexpected();
  });

  it('acks a command envelope before any store call ends, and the plan follows', async () => {
    const payload = Object.fromEntries(
      new URLSearchParams(slashCommand({ text: `retract attribute ${DATASET_ID}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: slack.newResponseUrl() })),
    );
    timeline.push('sent:command');
    expect(await socket.send('slash_commands', payload)).toEqual({});
    timeline.push('ack:command');
    expect(callsEndedBefore(timeline, 'sent:command', 'ack:command')).toEqual([]);
    await waitFor(() => slack.topLevel(CHANNEL).at(-1), { ...slow, what: 'the plan' });
    expect(timeline.filter((e) => e.startsWith('end:')).length).toBeGreaterThan(0);
  }, 60_000);
});
