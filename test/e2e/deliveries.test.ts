import type { MetapodFake } from '../../src/sandbox/fakes/metapod';
import type { SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { clickButton, slashCommand } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startReplicaPair, type E2E, type ReplicaPair } from './harness';

/** Slack delivers the same request again (a retry, a proxy replay): it is acknowledged and processed once. */
describe('repeated Slack deliveries', () => {
  let pair: ReplicaPair;
  let slack: SlackEmulator;
  let metapod: MetapodFake;
  let a: E2E;
  let b: E2E;
  beforeEach(async () => {
    pair = await startReplicaPair();
    ({ slack, metapod, a, b } = pair);
  });
  afterEach(() => pair.close());

  it('a slash command delivered three times, to two replicas, proposes one operation', async () => {
    const body = slashCommand({
      text: `retract attribute ${DATASET_ID}`,
      userId: 'UREQ',
      channelId: CHANNEL,
      responseUrl: slack.newResponseUrl(),
      triggerId: '1700000000.1.same',
    });
    const responses = await Promise.all([
      a.post(body),
      b.post(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
      a.post(body),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await a.planMessage();
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    expect((await a.bot.store.listRecent(10)).map((o) => o.runbook)).toEqual(['retract']);
    expect([...a.logs, ...b.logs].join('')).toMatch(/duplicate Slack delivery ignored/);
  });

  it('an approval click delivered twice is processed once (the second gets no "already running" message)', async () => {
    await a.command(`retract attribute ${DATASET_ID}`);
    const plan = snapshot(await a.planMessage());
    const click = clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: slack.newResponseUrl(), triggerId: '1700000000.2.same' });
    await Promise.all([a.post(click), b.post(click, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })]);
    await messageShowing(slack, plan.ts, /Succeeded/);
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    expect(metapod.requests).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.ephemerals).toEqual([]);
    const trail = await a.bot.store.auditTrail((await a.bot.store.listRecent(1))[0]!.id);
    expect(trail.filter((e) => e.type === 'approved')).toHaveLength(1);
  });

  it('two different clicks by the same person (a double click) still run the step once', async () => {
    await a.command(`retract attribute ${DATASET_ID}`);
    const plan = snapshot(await a.planMessage());
    await Promise.all([a.click(plan, 'op_approve', 'UAPP'), b.click(plan, 'op_approve', 'UAPP')]);
    await messageShowing(slack, plan.ts, /Succeeded/);
    await Promise.all([a.bot.engine.idle(), b.bot.engine.idle()]);
    expect(metapod.requests).toHaveLength(1);
    await waitFor(() => slack.ephemerals.length === 1, { what: 'the answer to the second click' });
  });
});
