import WebSocket from 'ws';
import { waitFor } from '../support/wait-for';
import type { Json } from '../../src/sandbox/fakes/slack-api';
import { startSocketModeServer, type SocketModeServer } from '../../src/sandbox/fakes/socket-mode';

/** A raw client that records every message it receives, parsed. */
async function connect(url: string): Promise<{ ws: WebSocket; received: Json[]; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const received: Json[] = [];
  ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as Json));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, received, closed };
}

describe('Socket Mode server fake', () => {
  let server: SocketModeServer;
  beforeEach(async () => {
    server = await startSocketModeServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('greets a client on the ticket URL with hello and resolves connected()', async () => {
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]{24}&app_id=A0RUNBOOK$/);
    const { received } = await connect(server.url);
    await server.connected();
    await waitFor(() => received.length === 1, { what: 'hello' });
    expect(received[0]).toMatchObject({ type: 'hello', num_connections: 1, debug_info: { host: expect.any(String) } });
    expect(server.connectionCount).toBe(1);
    expect(server.openClients()).toBe(1);
  });

  it('delivers envelopes and resolves with the ack payload', async () => {
    const { ws, received } = await connect(server.url);
    ws.on('message', (data: Buffer) => {
      const env = JSON.parse(data.toString('utf8')) as Json;
      if (env.type === 'slash_commands') ws.send(JSON.stringify({ envelope_id: env.envelope_id, payload: { text: 'usage' } }));
      if (env.type === 'interactive') ws.send(JSON.stringify({ envelope_id: env.envelope_id }));
    });
    await server.connected();
    await expect(server.send('slash_commands', { command: '/runbook', text: 'help' })).resolves.toEqual({ text: 'usage' });
    await expect(server.send('interactive', { type: 'block_actions' })).resolves.toBeUndefined();
    const [, command, click] = received;
    expect(command).toMatchObject({ type: 'slash_commands', payload: { command: '/runbook' }, accepts_response_payload: true });
    expect(click).toMatchObject({ type: 'interactive', accepts_response_payload: false });
    expect(command!.envelope_id).not.toBe(click!.envelope_id);
    expect(server.acks).toEqual([
      { envelope_id: command!.envelope_id, type: 'slash_commands', payload: { text: 'usage' } },
      { envelope_id: click!.envelope_id, type: 'interactive' },
    ]);
    server.assertNoUnexpected();
  });

  it('rejects a send that is not acked in time and flags the late ack', async () => {
    const { ws, received } = await connect(server.url);
    await server.connected();
    await expect(server.send('events_api', { event: { type: 'message' } }, { ackTimeoutMs: 100 })).rejects.toThrow(
      /No ack for events_api envelope .* within 100ms/,
    );
    const envelope = received[1]!;
    expect(envelope).toMatchObject({ retry_attempt: 0, retry_reason: '' });
    ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: {} }));
    await waitFor(() => server.unexpected.length === 1, { what: 'the late ack to be flagged' });
    expect(server.unexpected[0]).toMatch(/^late ack for /);
  });

  it('flags malformed, unknown and duplicate acks', async () => {
    const { ws } = await connect(server.url);
    ws.on('message', (data: Buffer) => {
      const env = JSON.parse(data.toString('utf8')) as Json;
      // One ack, then the same ack twice more.
      if (env.envelope_id) for (let i = 0; i < 3; i += 1) ws.send(JSON.stringify({ envelope_id: env.envelope_id }));
    });
    await server.connected();
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'pong' }));
    ws.send(JSON.stringify({ envelope_id: 'nope' }));
    await server.send('interactive', { type: 'view_submission' });
    await waitFor(() => server.unexpected.length === 5, { what: 'five flagged messages' });
    expect(server.unexpected).toEqual([
      'client sent a message that is not an ack: not json',
      'client sent a message that is not an ack: {"type":"pong"}',
      'ack for unknown or already acked envelope nope',
      expect.stringMatching(/^ack for unknown or already acked envelope /),
      expect.stringMatching(/^ack for unknown or already acked envelope /),
    ]);
    expect(() => server.assertNoUnexpected()).toThrow(/not json/);
  });

  it('refuses a connection to another path', async () => {
    const { closed } = await connect(server.url.replace(/ticket=[0-9a-f]+/, 'ticket=forged'));
    expect(await closed).toBe(1008);
    expect(server.unexpected).toEqual([expect.stringMatching(/instead of the URL apps\.connections\.open gave/)]);
    await expect(server.connected(50)).rejects.toThrow(/No Socket Mode client connected within 50ms/);
  });

  it('rejects a send without a client, and close() drops clients and pending sends at once', async () => {
    await expect(server.send('slash_commands', {})).rejects.toThrow(/No open Socket Mode connection/);
    const { closed } = await connect(server.url);
    await server.connected();
    const pending = server.send('slash_commands', {});
    const started = Date.now();
    await server.close();
    await expect(pending).rejects.toThrow(/closed before envelope/);
    expect(await closed).toBe(1006);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
