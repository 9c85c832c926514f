import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, webApi } from '@slack/bolt';
import { clickButton, messageEvent, slashCommand } from '../support/payloads';
import { postToSlackEndpoint } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';
import { startSlackEmulator } from '../../src/sandbox/fakes/slack-api';
import type { SlackEmulator } from '../../src/sandbox/fakes/slack-api';

// Retries would turn a wrongly-answered request into a 30-minute hang instead of a failure.
const clientFor = (emu: SlackEmulator, token = 'xoxb-test'): webApi.WebClient =>
  new webApi.WebClient(token, {
    slackApiUrl: emu.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });

describe('Slack Web API emulator', () => {
  let emu: SlackEmulator;
  let client: webApi.WebClient;

  beforeEach(async () => {
    emu = await startSlackEmulator({ usergroups: { S0ONCALL: ['UALICE', 'UBOB'] } });
    client = clientFor(emu);
  });
  afterEach(async () => {
    await emu.close();
  });

  it('exposes an /api/ URL on loopback', () => {
    expect(emu.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test with the configured bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'UBOT', team_id: 'T0001' });
    expect(emu.calls).toEqual([{ method: 'auth.test', args: {}, token: 'xoxb-test' }]);
  });

  it('lifts a token sent in the body out of args (as Bolt does for auth.test)', async () => {
    const anonymous = new webApi.WebClient(undefined, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    await anonymous.auth.test({ token: 'xoxb-other' });
    expect(emu.calls[0]).toEqual({ method: 'auth.test', args: {}, token: 'xoxb-other' });
    emu.assertNoUnexpected();
  });

  it('posts, updates and threads messages with decoded blocks', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Retract* pending' } }];
    const posted = await client.chat.postMessage({ channel: 'CDATAENG', text: 'pending', blocks });
    expect(posted.ok).toBe(true);
    expect(posted.ts).toBe('1700000000.000100');
    expect(posted.message).toMatchObject({ text: 'pending', user: 'UBOT', ts: posted.ts });

    const root = emu.message('CDATAENG', posted.ts!)!;
    expect(root).toMatchObject({ text: 'pending', blocks, updates: 0 });

    const newBlocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Retract* approved' } }];
    await client.chat.update({ channel: 'CDATAENG', ts: posted.ts!, text: 'approved', blocks: newBlocks });
    await client.chat.update({ channel: 'CDATAENG', ts: posted.ts!, text: 'done' });
    expect(root.text).toBe('done');
    expect(root.blocks).toEqual(newBlocks);
    expect(root.updates).toBe(2);
    expect(root.versions.map((v) => v.text)).toEqual(['pending', 'approved', 'done']);
    expect(root.versions[0]!.blocks).toEqual(blocks);

    const reply = await client.chat.postMessage({ channel: 'CDATAENG', thread_ts: posted.ts!, text: 'audit' });
    await client.chat.postMessage({ channel: 'CDATAENG', text: 'unrelated' });
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));
    expect(emu.threadReplies('CDATAENG', posted.ts!).map((m) => m.text)).toEqual(['audit']);
    expect(emu.topLevel('CDATAENG').map((m) => m.text)).toEqual(['done', 'unrelated']);
    expect(emu.callsTo('chat.update')).toHaveLength(2);
    expect(emu.callsTo('chat.update')[0]!.args.blocks).toEqual(newBlocks);
    emu.assertNoUnexpected();
  });

  it('rejects postMessage without a channel and update of an unknown message', async () => {
    await expect(client.apiCall('chat.postMessage', { text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'channel_not_found' },
    });
    await expect(client.chat.update({ channel: 'CDATAENG', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    expect(emu.messages).toHaveLength(0);
  });

  it('records ephemerals', async () => {
    const res = await client.chat.postEphemeral({ channel: 'CDATAENG', user: 'UREQ', text: 'only you', thread_ts: '1.2' });
    expect(res.ok).toBe(true);
    expect(emu.ephemerals).toEqual([{ channel: 'CDATAENG', user: 'UREQ', text: 'only you', thread_ts: '1.2', message_ts: res.message_ts }]);
    expect(emu.messages).toHaveLength(0);
  });

  it('lists usergroup members and rejects unknown groups', async () => {
    await expect(client.usergroups.users.list({ usergroup: 'S0ONCALL' })).resolves.toMatchObject({
      users: ['UALICE', 'UBOB'],
    });
    emu.setUsergroup('S0ONCALL', ['UCAROL']);
    await expect(client.usergroups.users.list({ usergroup: 'S0ONCALL' })).resolves.toMatchObject({ users: ['UCAROL'] });
    await expect(client.usergroups.users.list({ usergroup: 'SNOPE' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });
    emu.assertNoUnexpected();
  });

  it('records unimplemented methods as unexpected', async () => {
    await expect(client.users.info({ user: 'UREQ' })).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(emu.unexpected).toEqual(['users.info: unknown_method']);
    expect(() => emu.assertNoUnexpected()).toThrow(/users\.info/);
  });

  it('rejects calls without a bot token', async () => {
    const userClient = clientFor(emu, 'xoxp-user');
    await expect(userClient.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_authed' },
    });
    expect(emu.messages).toHaveLength(0);
    expect(emu.unexpected).toHaveLength(1);
  });

  it('answers apps.connections.open to the app-level token only, with the Socket Mode URL', async () => {
    // As @slack/socket-mode calls it: an empty token and the xapp- token in the Authorization header.
    const app = new webApi.WebClient('', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, headers: { Authorization: 'Bearer xapp-1-app' } });
    await expect(app.apps.connections.open({})).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    expect(emu.unexpected).toEqual(['apps.connections.open: no Socket Mode URL set (setSocketModeUrl)']);
    emu.unexpected.length = 0;

    emu.setSocketModeUrl('ws://127.0.0.1:1/link/?ticket=t');
    await expect(app.apps.connections.open({})).resolves.toMatchObject({ ok: true, url: 'ws://127.0.0.1:1/link/?ticket=t' });
    expect(emu.callsTo('apps.connections.open').at(-1)).toEqual({ method: 'apps.connections.open', args: {}, token: 'xapp-1-app' });

    // The bot token cannot open a connection, and the app token cannot call bot methods.
    await expect(client.apps.connections.open({})).rejects.toMatchObject({ data: { error: 'not_authed' } });
    await expect(app.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_authed' } });
    expect(emu.unexpected).toEqual(['apps.connections.open: no xapp- app-level token', 'chat.postMessage: no xoxb- bot token']);
    expect(emu.messages).toHaveLength(0);
  });

  it('fails the next call to a method once, then recovers', async () => {
    emu.failNext('chat.postMessage', 'ratelimited');
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      data: { error: 'ratelimited' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'b' })).resolves.toMatchObject({ ok: true });
    expect(emu.messages.map((m) => m.text)).toEqual(['b']);
    expect(emu.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('accepts JSON bodies', async () => {
    const res = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(emu.messages[0]).toMatchObject({ text: 'hi', blocks: [{ type: 'divider' }] });
  });

  it('records JSON POSTs to issued response URLs and flags unknown ones', async () => {
    const url = emu.newResponseUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\/\d+$/);
    expect(emu.newResponseUrl()).not.toBe(url);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'queued', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(emu.responses).toEqual([{ url, body: { text: 'queued', response_type: 'ephemeral' } }]);
    expect(emu.responsesTo(url)).toEqual([{ text: 'queued', response_type: 'ephemeral' }]);
    emu.assertNoUnexpected();

    const bogus = await fetch(`${emu.apiUrl.replace('/api/', '/response/999')}`, { method: 'POST', body: '{}' });
    expect(bogus.status).toBe(404);
    expect(emu.unexpected).toHaveLength(1);
  });
});

describe('Slack emulator behind a real Bolt app', () => {
  const SECRET = 'test-signing-secret';
  let emu: SlackEmulator;
  let app: App;
  let appUrl: string;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    app = new App({
      token: 'xoxb-bolt',
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/runbook', async ({ ack, respond, say, command }) => {
      await ack();
      await respond({ text: `queued: ${command.text}`, response_type: 'ephemeral' });
      await say({
        text: 'approve?',
        blocks: [
          {
            type: 'actions',
            block_id: 'approval',
            elements: [{ type: 'button', action_id: 'approve', value: 'op-1', text: { type: 'plain_text', text: 'Approve' } }],
          },
        ],
      });
    });
    app.action('approve', async ({ ack, body, action, respond, client }) => {
      await ack();
      const value = action.type === 'button' ? action.value : undefined;
      if (body.type !== 'block_actions' || !body.container || !body.channel) throw new Error('unexpected body');
      await client.chat.update({ channel: body.channel.id, ts: body.container.message_ts as string, text: `approved ${value}` });
      await respond({ text: 'thanks', replace_original: false });
    });
    app.message('hello', async ({ message, say }) => {
      if (message.subtype === undefined) await say({ text: 'hi', thread_ts: message.ts });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(async () => {
    await app.stop();
    await emu.close();
  });

  it('carries a slash command, a button click and a message event through Bolt', async () => {
    const responseUrl = emu.newResponseUrl();
    const ack = await postToSlackEndpoint(appUrl, slashCommand({ text: 'retract x', responseUrl }), { secret: SECRET });
    expect(ack.status).toBe(200);
    const card = await waitFor(() => emu.topLevel('CDATAENG')[0], { what: 'approval card' });
    expect(emu.responsesTo(responseUrl)).toEqual([{ text: 'queued: retract x', response_type: 'ephemeral' }]);

    const clickUrl = emu.newResponseUrl();
    const click = clickButton(card, 'approve', { userId: 'UAPPROVER', responseUrl: clickUrl });
    expect((await postToSlackEndpoint(appUrl, click, { secret: SECRET })).status).toBe(200);
    await waitFor(() => emu.responsesTo(clickUrl).length > 0, { what: 'click response' });
    expect(card.text).toBe('approved op-1');
    expect(card.updates).toBe(1);

    const event = messageEvent({ channel: 'CDATAENG', user: 'UREQ', text: 'hello bot', ts: '1700000100.000001' });
    expect((await postToSlackEndpoint(appUrl, event, { secret: SECRET })).status).toBe(200);
    const reply = await waitFor(() => emu.threadReplies('CDATAENG', '1700000100.000001')[0], { what: 'thread reply' });
    expect(reply.text).toBe('hi');

    expect(emu.callsTo('auth.test')[0]!.token).toBe('xoxb-bolt');
    emu.assertNoUnexpected();
  });

  it('rejects a forged signature without reaching any listener', async () => {
    const body = slashCommand({ text: 'retract x', responseUrl: emu.newResponseUrl() });
    const res = await postToSlackEndpoint(appUrl, body, { secret: SECRET, signature: 'v0=forged' });
    expect(res.status).toBe(401);
    expect(emu.messages).toHaveLength(0);
    expect(emu.responses).toHaveLength(0);
  });
});
