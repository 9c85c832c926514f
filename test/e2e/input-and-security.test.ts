import { slashCommand } from '../support/payloads';
import { slackSignature } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';
import { BOT_TOKEN, CHANNEL, DATASET_ID, SIGNING_SECRET, useE2E, textOf } from './harness';

describe('requests that must not reach anything', () => {
  const e2e = useE2E({ once: true });

  const body = () =>
    slashCommand({ text: `retract committed-dataset ${DATASET_ID}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: e2e.slack.newResponseUrl() });

  it('refuses a forged signature with 401', async () => {
    const before = e2e.slack.calls.length;
    const res = await e2e.post(body(), { signature: `v0=${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    expect(e2e.slack.calls.length).toBe(before);
  });

  it('refuses a correctly signed request whose timestamp is 6 minutes old, or 6 minutes ahead', async () => {
    for (const offset of [-360, 360]) {
      const timestamp = Math.floor(Date.now() / 1000) + offset;
      const b = body();
      const res = await e2e.post(b, { timestamp, signature: slackSignature(SIGNING_SECRET, timestamp, b) });
      expect(res.status).toBe(401);
    }
    expect(e2e.slack.topLevel(CHANNEL)).toHaveLength(0);
  });

  it('refuses a request signed with another secret, or with no signature headers', async () => {
    const b = body();
    const ts = Math.floor(Date.now() / 1000);
    expect((await e2e.post(b, { signature: slackSignature('someone-elses-secret', ts, b), timestamp: ts })).status).toBe(401);
    const bare = await fetch(`${e2e.bot.url}/slack/events`, { method: 'POST', body: b, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(bare.status).toBe(401);
    expect(e2e.slack.topLevel(CHANNEL)).toHaveLength(0);
  });

  const malformed: [string, string, RegExp][] = [
    ['an unknown kind', `retract dataset ${DATASET_ID}`, /Unknown kind/],
    ['a non-UUID id', 'retract committed-dataset 12345', /is not a UUID/],
    ['a missing id', 'retract attribute', /Give the id/],
    ['extra words', `retract attribute ${DATASET_ID} now please`, /Unexpected words after the id/],
    // Empty text opens the runbook form instead (test/e2e/runbook-form.test.ts).
    ['10 kB of text', `retract attribute ${'a'.repeat(10_000)}`, /too long/],
    ['unicode look-alikes', 'retract attribute 5f2c0a4e‐8d1b‐4c3a‐9f6e‐1b2c3d4e5f60 ✨', /is not a UUID/],
    ['quotes', `retract attribute "${DATASET_ID}"`, /is not a UUID/],
    ['shell syntax', 'retract attribute $(curl evil.example)', /is not a UUID/],
    ['a mention injection', 'retract <!channel> <@U123>', /Unknown kind/],
    ['an unknown subcommand', 'deploy everything', /Unknown subcommand/],
  ];
  it.each(malformed)('answers %s with an ephemeral error and the usage, and calls nothing', async (_name, text, error) => {
    const before = e2e.slack.calls.length;
    const res = await e2e.command(text);
    expect(res.status).toBe(200);
    const reply = res.json as { response_type: string; blocks: Record<string, unknown>[]; text: string };
    expect(reply.response_type).toBe('ephemeral');
    const shown = textOf(reply);
    expect(shown).toMatch(error);
    expect(shown).toMatch(/Usage/);
    expect(shown).toContain('/runbook retract');
    expect(shown).not.toMatch(/<!channel>|<@U123>|\$\(curl evil/);
    expect(e2e.slack.calls.length).toBe(before);
    expect(e2e.metapod.requests).toHaveLength(0);
  });

  it('answers help with every available usage line', async () => {
    const res = await e2e.command('help');
    const shown = textOf(res.json as never);
    expect(shown).toContain('/runbook retract <attribute|indexed-attribute|committed-dataset> <id>');
    expect(shown).toContain('/runbook status');
    expect(shown).toContain('/runbook rollback <service> [--shard <shard>]... [--to <version>] [--in-place]');
    for (const sub of ['datomic', 'aurora', 'dagao', 'build-failure']) expect(shown).toContain(`/runbook ${sub} `);
  });

  it('refuses a tampered button value without approving anything', async () => {
    await e2e.command(`retract attribute ${DATASET_ID}`);
    const plan = await e2e.planMessage();
    const { blockAction } = await import('../support/payloads');
    const tampered = blockAction({
      userId: 'UAPP',
      actionId: 'op_approve',
      value: 'op-aaaaaaaa|retract|$(id)',
      messageTs: plan.ts,
      channelId: CHANNEL,
      responseUrl: e2e.slack.newResponseUrl(),
    });
    await e2e.post(tampered);
    const otherOp = blockAction({
      userId: 'UAPP',
      actionId: 'op_approve',
      value: 'op-aaaaaaaa|retract|0123456789abcdef',
      messageTs: plan.ts,
      channelId: CHANNEL,
      responseUrl: e2e.slack.newResponseUrl(),
    });
    await e2e.post(otherOp);
    await waitFor(() => e2e.ephemeralsFor('UAPP').length === 2, { what: 'two refusals' });
    expect(e2e.ephemeralsFor('UAPP')[0]).toMatch(/not valid/);
    expect(e2e.ephemeralsFor('UAPP')[1]).toMatch(/do not know this operation/);
    expect(e2e.metapod.requests).toHaveLength(0);
  });

  it('serves /healthz and never logs the token or the signing secret', async () => {
    const health = await fetch(`${e2e.bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'ok' });
    const logs = e2e.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);
    expect(logs).toMatch(/"operationId":"op-[a-z0-9]{8}"/);
  });
});
