// Issue 18 item 4: a server that sheds abuse, tested on the wire with raw sockets (node:net), since
// no well-behaved HTTP client trickles, lies about lengths or sends hexadecimal timestamps.
import { createHmac } from 'node:crypto';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createHttpServer } from '../../src/observability/http-server';
import { MAX_BODY_BYTES } from '../../src/slack/request-gate';
import { slashCommand } from '../support/payloads';
import { rawConnect, rawWrite, trickle } from '../support/raw-http';
import { CHANNEL, SIGNING_SECRET, useE2E } from './harness';

const SECRET = 'front-door-secret-0123456789';
const now = () => Math.floor(Date.now() / 1000);
const sign = (secret: string, timestamp: string, body: string) => `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** A signed raw HTTP/1.1 request: the head (request line and headers) and the body. */
function signedRequest(body: string, o: { secret?: string; timestamp?: string; contentType?: string; extra?: string[] } = {}): string {
  const timestamp = o.timestamp ?? String(now());
  const head = [
    'POST /slack/events HTTP/1.1',
    'Host: 127.0.0.1',
    `Content-Type: ${o.contentType ?? 'application/x-www-form-urlencoded'}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Slack-Request-Timestamp: ${timestamp}`,
    `X-Slack-Signature: ${sign(o.secret ?? SECRET, timestamp, body)}`,
    ...(o.extra ?? []),
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

const command = (text = 'help') => slashCommand({ text, userId: 'UREQ', channelId: CHANNEL, responseUrl: 'http://127.0.0.1:9/r' });

describe('the HTTP server, before anything is authenticated', () => {
  const DEADLINE_MS = 400;
  let server: Server;
  let port: number;
  const reached: string[] = [];
  const listener: RequestListener = (req, res) => {
    reached.push(req.url ?? '');
    res.writeHead(200).end();
  };

  beforeAll(async () => {
    server = createHttpServer({
      slackListener: listener,
      signingSecret: SECRET,
      logger: pino({ level: 'silent' }),
      health: () => Promise.resolve({ ok: true, checks: {} }),
      requestDeadlineMs: DEADLINE_MS,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => reached.splice(0));

  it('lets a prompt, signed request through (the control for the refusals below)', async () => {
    const conn = await rawConnect(port);
    await rawWrite(conn, signedRequest(command()));
    expect(await conn.waitFor('\r\n\r\n')).toMatch(/^HTTP\/1\.1 200/);
    expect(reached).toEqual(['/slack/events']);
    conn.socket.destroy();
  });

  it('closes a connection whose headers trickle in, before they are complete', async () => {
    const conn = await rawConnect(port);
    // 60 header bytes, one every 50 ms: 3 s, far beyond the deadline.
    const allSent = await trickle(conn, `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Request-Timestamp: ${now()}\r\n`.padEnd(60, 'x'), 50);
    await conn.closed;
    expect(allSent).toBe(false);
    expect(conn.received()).toMatch(/^(HTTP\/1\.1 408|$)/);
    expect(reached).toEqual([]);
  });

  it('closes a connection whose body trickles in, and never hands it on', async () => {
    const full = signedRequest(command());
    const split = full.indexOf('\r\n\r\n') + 4;
    const conn = await rawConnect(port);
    await rawWrite(conn, full.slice(0, split));
    const allSent = await trickle(conn, full.slice(split), 50);
    await conn.closed;
    expect(allSent).toBe(false);
    expect(conn.received()).toMatch(/^(HTTP\/1\.1 408|$)/);
    expect(reached).toEqual([]);
  });

  it('refuses a Content-Length over the limit with 413 before reading any of the body', async () => {
    const conn = await rawConnect(port);
    const head = signedRequest('').replace('Content-Length: 0', `Content-Length: ${10 * 1024 * 1024}`);
    await rawWrite(conn, head);
    expect(await conn.waitFor('\r\n\r\n')).toMatch(/^HTTP\/1\.1 413/);
    expect(conn.received().toLowerCase()).toContain('connection: close');
    await conn.closed;
    expect(reached).toEqual([]);
  });

  it('caps a chunked body while it streams: 413, and it stops reading', async () => {
    const conn = await rawConnect(port);
    const head = signedRequest('').replace('Content-Length: 0', 'Transfer-Encoding: chunked');
    await rawWrite(conn, head);
    const chunk = 'a'.repeat(64 * 1024);
    let written = 0;
    // Up to 64 MB: a server that reads it all takes it all; one that stops makes the writes fail.
    while (written < 64 * 1024 * 1024 && !conn.isClosed() && !conn.received()) {
      if (!(await rawWrite(conn, `${chunk.length.toString(16)}\r\n${chunk}\r\n`))) break;
      written += chunk.length;
    }
    expect(await conn.waitFor('\r\n\r\n')).toMatch(/^HTTP\/1\.1 413/);
    await conn.closed;
    // What the kernel's socket buffers absorbed, at most: far below what was offered.
    expect(written).toBeLessThan(MAX_BODY_BYTES + 16 * 1024 * 1024);
    expect(reached).toEqual([]);
  });
});

describe('Slack requests the real bot refuses or answers without processing', () => {
  const e2e = useE2E({ once: true });
  const port = () => e2e.bot.port;

  async function send(raw: string): Promise<string> {
    const conn = await rawConnect(port());
    await rawWrite(conn, raw);
    const text = await conn.waitFor('\r\n\r\n');
    // Wait for the (short) body too.
    await new Promise((resolve) => setTimeout(resolve, 50));
    conn.socket.destroy();
    return conn.received() || text;
  }

  it.each([
    ['hexadecimal', (t: number) => `0x${t.toString(16)}`],
    ['in exponent notation', (t: number) => `${t / 1e9}e9`],
    ['with a plus sign', (t: number) => `+${t}`],
    ['with a fraction', (t: number) => `${t}.0`],
    ['with leading zeros beyond 12 digits', (t: number) => `000${t}`],
    ['with an inner space', (t: number) => `${String(t).slice(0, 5)} ${String(t).slice(5)}`],
  ])('refuses a correctly signed request whose timestamp is %s, with 401', async (_what, format) => {
    const before = e2e.slack.calls.length;
    const res = await send(signedRequest(command(), { secret: SIGNING_SECRET, timestamp: format(now()) }));
    expect(res).toMatch(/^HTTP\/1\.1 401/);
    expect(e2e.slack.calls.length).toBe(before);
  });

  it.each([
    ['form, charset=utf-8', 'application/x-www-form-urlencoded; charset=utf-8'],
    ['form, upper-case charset', 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['form, no charset', 'application/x-www-form-urlencoded'],
  ])('answers a signed /runbook help sent as %s in the ack, as Bolt reads it', async (_what, contentType) => {
    const res = await send(signedRequest(command('help'), { secret: SIGNING_SECRET, contentType }));
    expect(res).toMatch(/^HTTP\/1\.1 200/);
    expect(res).toContain('/runbook retract');
  });

  it('accepts a signed event sent as application/json; charset=utf-8', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'charset-challenge-1', token: 'x' });
    const res = await send(signedRequest(body, { secret: SIGNING_SECRET, contentType: 'application/json; charset=utf-8' }));
    expect(res).toMatch(/^HTTP\/1\.1 200/);
    expect(res).toContain('charset-challenge-1');
  });

  it.each([
    ['another charset', 'application/x-www-form-urlencoded; charset=iso-8859-1'],
    ['an unknown parameter', 'application/json; boundary=x'],
    ['no content type at all', ''],
  ])('refuses %s with 415', async (_what, contentType) => {
    const raw = signedRequest(command(), { secret: SIGNING_SECRET, contentType }).replace(contentType === '' ? 'Content-Type: \r\n' : '\0', '');
    expect(await send(raw)).toMatch(/^HTTP\/1\.1 415/);
  });

  it("answers Slack's ssl_check 200 with nothing processed, signed or not (as Bolt does), but not with a forged signature", async () => {
    const before = e2e.slack.calls.length;
    // As Slack sends it when checking a slash command URL's certificate: ssl_check=1 and the (deprecated) token.
    const body = 'ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO';
    const unsigned = [
      'POST /slack/events HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${body.length}`,
      '',
      body,
    ].join('\r\n');
    const a = await send(unsigned);
    expect(a).toMatch(/^HTTP\/1\.1 200/);
    expect(a.split('\r\n\r\n')[1]).toBe('');
    expect(await send(signedRequest(body, { secret: SIGNING_SECRET }))).toMatch(/^HTTP\/1\.1 200/);
    expect(await send(signedRequest(body, { secret: 'not-our-secret' }))).toMatch(/^HTTP\/1\.1 401/);
    // A command smuggled along with ssl_check is not run.
    const smuggled = `ssl_check=1&${command('status')}`;
    expect(await send(signedRequest(smuggled, { secret: SIGNING_SECRET }))).toMatch(/^HTTP\/1\.1 200/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(e2e.slack.calls.length).toBe(before);
    expect(e2e.slack.responses).toHaveLength(0);
  });
});
