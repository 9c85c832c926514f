import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { App } from '@slack/bolt';
import { loadConfig } from '../../../src/config';
import { boltLogger } from '../../../src/observability/bolt-logger';
import { createHttpServer } from '../../../src/observability/http-server';
import { createLogger } from '../../../src/observability/logger';
import { createTransport } from '../../../src/slack/transport';
import { slashCommand } from '../../support/payloads';
import { signedHeaders } from '../../support/slack-signing';

// Bolt's own signature check is off in HTTP mode (ours runs first); these tests prove that nothing
// reaches Bolt's handlers unless our request gate accepted it.
const SECRET = 'transport-test-secret';

function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`)));
}

describe('the HTTP transport', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }) });
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-transport-test', SLACK_SIGNING_SECRET: SECRET });
  const transport = createTransport(config, boltLogger(logger));
  const app = new App({
    token: 'xoxb-transport-test',
    receiver: transport.receiver,
    tokenVerificationEnabled: false,
    botId: 'BBOT',
    botUserId: 'UBOT',
    convoStore: false,
  });
  const handled: string[] = [];
  app.command('/runbook', async ({ command, ack }) => {
    handled.push(command.text);
    await ack();
  });
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  });
  const body = (text: string) => slashCommand({ text, userId: 'UREQ', responseUrl: 'http://127.0.0.1:9/r' });

  it("refuses a correctly signed request that reached Bolt's listener without our gate, and runs no handler", async () => {
    const server = createServer(transport.httpListener);
    servers.push(server);
    const url = await listen(server);
    const b = body('bypass');
    expect(await post(url, b, { ...signedHeaders(SECRET, b) })).toBe(401);
    expect(handled).not.toContain('bypass');
    expect(lines.join('')).toContain('did not pass the request gate');
  });

  it('hands gate-checked requests to Bolt, and refuses forged ones before Bolt sees them', async () => {
    const server = createHttpServer({
      slackListener: transport.httpListener,
      signingSecret: SECRET,
      logger,
      health: () => Promise.resolve({ ok: true, checks: {} }),
    });
    servers.push(server);
    const url = await listen(server);
    const good = body('through the gate');
    expect(await post(url, good, { ...signedHeaders(SECRET, good) })).toBe(200);
    expect(handled).toContain('through the gate');
    const forged = body('forged');
    expect(await post(url, forged, { ...signedHeaders('another-secret', forged) })).toBe(401);
    expect(handled).not.toContain('forged');
  });

  it('refuses to serve a Slack listener without the signing secret (an empty secret would accept anyone)', () => {
    expect(() =>
      createHttpServer({ slackListener: transport.httpListener, signingSecret: '', logger, health: () => Promise.resolve({ ok: true, checks: {} }) }),
    ).toThrow(/signing secret/);
  });

  it("never starts Bolt's own HTTP server, whose signature check is off", async () => {
    await expect(app.start()).rejects.toThrow(/must not start/);
  });
});
