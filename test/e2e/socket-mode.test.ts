import { startMetapodFake, type MetapodFake } from '../../src/sandbox/fakes/metapod';
import { startSlackEmulator, type EmulatedMessage, type Json, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { startSocketModeServer, type SocketModeServer } from '../../src/sandbox/fakes/socket-mode';
import { clickButton, slashCommand } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { BOT_TOKEN, buttonsOf, CHANNEL, DATASET_ID, snapshot, startE2E, textOf, type E2E } from './harness';

const APP_TOKEN = 'xapp-1-e2e-app-token';

/** The slash command fields as Socket Mode delivers them: the HTTP form, as a JSON object. */
function commandPayload(slack: SlackEmulator, text: string, userId = 'UREQ'): Json {
  return Object.fromEntries(new URLSearchParams(slashCommand({ text, userId, channelId: CHANNEL, responseUrl: slack.newResponseUrl() })));
}

/** The block_actions payload of clicking a real button of `message`, as an object instead of a form field. */
function clickPayload(slack: SlackEmulator, message: EmulatedMessage, actionId: string, userId: string): Json {
  const form = new URLSearchParams(clickButton(message, actionId, { userId, responseUrl: slack.newResponseUrl() }));
  return JSON.parse(form.get('payload')!) as Json;
}

describe('Socket Mode (SLACK_APP_TOKEN set), end to end over a real WebSocket', () => {
  let slack: SlackEmulator;
  let metapod: MetapodFake;
  let socket: SocketModeServer;
  let e2e: E2E;
  let started: E2E | undefined;

  beforeEach(async () => {
    started = undefined;
    [slack, metapod, socket] = await Promise.all([startSlackEmulator(), startMetapodFake(), startSocketModeServer()]);
    slack.setSocketModeUrl(socket.url);
    e2e = started = await startE2E({ slack, metapod, env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' } });
    await socket.connected();
  });
  afterEach(async () => {
    try {
      await started?.close();
      // Stopping the bot must close its WebSocket (a close handshake the server answers), not leave it to the server.
      if (started) await waitFor(() => socket.openClients() === 0, { what: 'the bot to close its Socket Mode connection' });
    } finally {
      // Also when the bot failed to start, so a failure is reported instead of hanging on open servers.
      await Promise.all([socket.close(), slack.close(), metapod.close()]);
    }
    socket.assertNoUnexpected();
    slack.assertNoUnexpected();
    metapod.assertNoUnexpected();
  });

  it('connects with the app-level token, and the bot token only for the Web API', () => {
    const opens = slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.token).toBe(APP_TOKEN);
    expect(socket.connectionCount).toBe(1);
    expect(slack.calls.filter((c) => c.method !== 'apps.connections.open').every((c) => c.token === BOT_TOKEN)).toBe(true);
  });

  it("plans, refuses the requester, runs once on a colleague's approval and reports the result", async () => {
    const ack = await socket.send('slash_commands', commandPayload(slack, `retract committed-dataset ${DATASET_ID}`));
    expect(ack).toEqual({});

    const plan = snapshot(await e2e.planMessage());
    expect(textOf(plan)).toContain(`POST ${metapod.url}/api/migrations/retract/committed-dataset/${DATASET_ID}`);
    expect(buttonsOf(plan)).toEqual(['op_approve', 'op_cancel']);

    // The requester cannot approve their own request.
    expect(await socket.send('interactive', clickPayload(slack, plan, 'op_approve', 'UREQ'))).toEqual({});
    await waitFor(() => e2e.ephemeralsFor('UREQ').find((t) => /four-eyes/.test(t)), { what: 'four-eyes refusal' });
    expect(metapod.requests).toHaveLength(0);

    // A colleague approves: exactly one request, and the plan message ends in Succeeded with no buttons.
    expect(await socket.send('interactive', clickPayload(slack, plan, 'op_approve', 'UAPP'))).toEqual({});
    const done = await waitFor(
      () => {
        const m = slack.message(CHANNEL, plan.ts);
        return m && /Succeeded/.test(textOf(m)) ? m : undefined;
      },
      { what: 'the plan message to show success' },
    );
    await e2e.bot.engine.idle();
    expect(metapod.requests).toHaveLength(1);
    expect(metapod.requests[0]).toMatchObject({ method: 'POST', path: `/api/migrations/retract/committed-dataset/${DATASET_ID}`, body: '' });
    expect(buttonsOf(done)).toEqual([]);
    expect(textOf(done)).toMatch(/Succeeded/);
    expect(slack.threadReplies(CHANNEL, plan.ts).map(textOf).join('\n')).toMatch(/Approved by <@UAPP>; running/);

    expect(socket.acks.map((a) => a.type)).toEqual(['slash_commands', 'interactive', 'interactive']);
    expect(socket.connectionCount).toBe(1);
  });

  it('answers a malformed command with an ephemeral error in the ack payload, and calls nothing', async () => {
    const before = slack.calls.length;
    const ack = await socket.send('slash_commands', commandPayload(slack, 'retract committed-dataset 12345'));
    expect(ack).toMatchObject({ response_type: 'ephemeral' });
    const shown = textOf(ack as { text?: string; blocks?: Json[] });
    expect(shown).toMatch(/is not a UUID/);
    expect(shown).toMatch(/Usage/);
    expect(shown).toContain('/runbook retract');
    expect(slack.calls.length).toBe(before);
    expect(slack.responses).toHaveLength(0);
    expect(metapod.requests).toHaveLength(0);
  });

  it('still serves /healthz on PORT, and no /slack/events endpoint', async () => {
    const health = await fetch(`${e2e.bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'ok', slack: 'connected' });

    const body = commandPayload(slack, 'help');
    const events = await fetch(`${e2e.bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) },
      body: new URLSearchParams(body as Record<string, string>).toString(),
    });
    expect(events.status).toBe(404);
    await events.text();
    expect(slack.responses).toHaveLength(0);
  });
});

describe('Socket Mode start-up failures', () => {
  it('gives up with a clear message when the socket never completes its handshake, and releases everything', async () => {
    const [slack, socket] = await Promise.all([startSlackEmulator(), startSocketModeServer({ sendHello: false })]);
    slack.setSocketModeUrl(socket.url);
    try {
      await expect(
        startE2E({ slack, env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' }, overrides: { socketStartTimeoutMs: 300 } }),
      ).rejects.toThrow(/Could not open a Socket Mode connection within 0\.3 s\. Check SLACK_APP_TOKEN/);
      // The WebSocket the client opened was closed again, not left dangling.
      await waitFor(() => socket.openClients() === 0, { what: 'the abandoned socket to close' });
    } finally {
      await Promise.all([socket.close(), slack.close()]);
    }
  });

  it('fails at once when Slack refuses the app token, and releases the HTTP port', async () => {
    const slack = await startSlackEmulator(); // no Socket Mode URL: apps.connections.open answers invalid_auth
    try {
      await expect(startE2E({ slack, env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' } })).rejects.toThrow();
      expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
    } finally {
      slack.unexpected.splice(0); // the refused open is what this test provokes
      await slack.close();
    }
  });
});
