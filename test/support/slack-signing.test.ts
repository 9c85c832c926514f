import type { IncomingHttpHeaders } from 'node:http';
import { startHttpServer } from '../../src/sandbox/fakes/http-server';
import type { LoopbackServer } from '../../src/sandbox/fakes/http-server';
import { postToSlackEndpoint, signedHeaders, slackSignature } from './slack-signing';

// The worked example from Slack's "Verifying requests from Slack" documentation.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
  '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
  '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
  '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('slackSignature', () => {
  it("matches Slack's documented example", () => {
    expect(slackSignature(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
  });

  it('changes with the body, timestamp and secret', () => {
    expect(slackSignature(DOC_SECRET, DOC_TIMESTAMP, `${DOC_BODY}x`)).not.toBe(DOC_SIGNATURE);
    expect(slackSignature(DOC_SECRET, DOC_TIMESTAMP + 1, DOC_BODY)).not.toBe(DOC_SIGNATURE);
    expect(slackSignature(`${DOC_SECRET}x`, DOC_TIMESTAMP, DOC_BODY)).not.toBe(DOC_SIGNATURE);
  });
});

describe('signedHeaders', () => {
  it('signs with the given timestamp', () => {
    expect(signedHeaders(DOC_SECRET, DOC_BODY, { timestamp: DOC_TIMESTAMP })).toEqual({
      'x-slack-signature': DOC_SIGNATURE,
      'x-slack-request-timestamp': String(DOC_TIMESTAMP),
      'content-type': 'application/x-www-form-urlencoded',
    });
  });

  it('defaults to the current time and JSON content type for JSON bodies', () => {
    const headers = signedHeaders('s', '{"type":"event_callback"}');
    const ts = Number(headers['x-slack-request-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(headers['x-slack-signature']).toBe(slackSignature('s', ts, '{"type":"event_callback"}'));
    expect(headers['content-type']).toBe('application/json');
  });
});

describe('postToSlackEndpoint', () => {
  let server: LoopbackServer;
  let seen: { headers: IncomingHttpHeaders; body: string }[];

  beforeEach(async () => {
    seen = [];
    server = await startHttpServer((req, res, body) => {
      seen.push({ headers: req.headers, body });
      if (body === 'json=1') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else res.writeHead(401).end('');
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends a correctly signed request and parses a JSON answer', async () => {
    const res = await postToSlackEndpoint(`${server.url}/slack/events`, 'json=1', { secret: 'shh', timestamp: 1700000000 });
    expect(res).toEqual({ status: 200, text: '{"ok":true}', json: { ok: true } });
    expect(seen[0]!.body).toBe('json=1');
    expect(seen[0]!.headers).toMatchObject({
      'x-slack-signature': slackSignature('shh', 1700000000, 'json=1'),
      'x-slack-request-timestamp': '1700000000',
      'content-type': 'application/x-www-form-urlencoded',
    });
  });

  it('can forge the signature and add or override headers', async () => {
    const res = await postToSlackEndpoint(server.url, 'a=b', {
      secret: 'shh',
      signature: 'v0=forged',
      contentType: 'text/plain',
      headers: { 'x-slack-retry-num': '1' },
    });
    expect(res).toEqual({ status: 401, text: '' });
    expect(seen[0]!.headers).toMatchObject({
      'x-slack-signature': 'v0=forged',
      'content-type': 'text/plain',
      'x-slack-retry-num': '1',
    });
  });
});
