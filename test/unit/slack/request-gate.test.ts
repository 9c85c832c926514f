import { createHmac } from 'node:crypto';
import { checkSlackRequest, slackMediaType, slackTimestamp, validSignature } from '../../../src/slack/request-gate';
import { signedHeaders } from '../../support/slack-signing';
import { blockAction, slashCommand } from '../../support/payloads';

const SECRET = 'gate-test-secret';
const NOW = 1_795_000_000;

function check(body: string, contentType: string, overrides: Record<string, string> = {}) {
  const headers = { ...signedHeaders(SECRET, body, { timestamp: NOW, contentType }), ...overrides };
  return checkSlackRequest(Buffer.from(body), headers, SECRET, NOW);
}

const FORM = 'application/x-www-form-urlencoded';
const command = (overrides: Record<string, string> = {}) => {
  const form = new URLSearchParams(slashCommand({ text: 'help', userId: 'UREQ', responseUrl: 'http://127.0.0.1/r' }));
  for (const [k, v] of Object.entries(overrides))
    if (v === '<delete>') form.delete(k);
    else form.set(k, v);
  return form.toString();
};

describe('checkSlackRequest', () => {
  it("accepts Slack's documented signature example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(
      validSignature(
        '8f742231b10e8888abcd99yyyzzz85a5',
        '1531420618',
        Buffer.from(body),
        'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      ),
    ).toBe(true);
    expect(
      validSignature(
        '8f742231b10e8888abcd99yyyzzz85a5',
        '1531420619',
        Buffer.from(body),
        'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      ),
    ).toBe(false);
  });

  // The signature is checked by Bolt's exported isValidSlackRequest; these are the cases its text-based
  // check could read differently from the bytes Slack signed, and a version Slack does not use.
  it('refuses a body that is not UTF-8 even when its bytes are correctly signed, and a signature of another version', () => {
    const bytes = Buffer.concat([Buffer.from('command=%2Frunbook&text='), Buffer.from([0xff, 0xfe]), Buffer.from('&user_id=UREQ')]);
    const hex = createHmac('sha256', SECRET).update(`v0:${NOW}:`).update(bytes).digest('hex');
    expect(validSignature(SECRET, String(NOW), bytes, `v0=${hex}`, NOW)).toBe(false);
    const text = Buffer.from('command=%2Frunbook&text=caf\u00e9');
    const good = createHmac('sha256', SECRET).update(`v0:${NOW}:`).update(text).digest('hex');
    expect(validSignature(SECRET, String(NOW), text, `v0=${good}`, NOW)).toBe(true);
    expect(validSignature(SECRET, String(NOW), text, `v1=${good}`, NOW)).toBe(false);
    expect(validSignature(SECRET, String(NOW), text, `v0=${good}`, NOW + 301)).toBe(false);
  });

  it('lets well-formed commands, clicks and events through', () => {
    expect(check(command(), FORM)).toEqual({ ok: true, kind: 'slack', contentType: FORM });
    expect(check(blockAction({ userId: 'UAPP', actionId: 'op_approve', value: 'v', messageTs: '1.2', responseUrl: 'http://127.0.0.1/r' }), FORM)).toEqual({
      ok: true,
      kind: 'slack',
      contentType: FORM,
    });
    expect(
      check(JSON.stringify({ type: 'event_callback', event_id: 'Ev1', team_id: 'T1', event: { type: 'message', text: 'x' } }), 'application/json'),
    ).toEqual({ ok: true, kind: 'slack', contentType: 'application/json' });
  });

  it("recognises Slack's ssl_check (signed, or unsigned as Bolt allows) and refuses it with a forged signature", () => {
    const body = 'ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO';
    expect(check(body, FORM)).toEqual({ ok: true, kind: 'ssl_check' });
    expect(checkSlackRequest(Buffer.from(body), { 'content-type': FORM }, SECRET, NOW)).toEqual({ ok: true, kind: 'ssl_check' });
    expect(check(body, FORM, { 'x-slack-signature': 'v0=bad' })).toMatchObject({ ok: false, status: 401 });
  });

  it.each([['0x6b13be0b'], ['1.79e9'], [' 123'], ['+123'], [`${NOW}.0`], [`+${NOW}`], [`0x${NOW.toString(16)}`], [''], ['１２３']])(
    'refuses the timestamp %j with 401, even correctly signed',
    (timestamp) => {
      const body = command();
      const headers = { ...signedHeaders(SECRET, body, { timestamp: NOW, contentType: FORM }), 'x-slack-request-timestamp': timestamp };
      headers['x-slack-signature'] = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      expect(checkSlackRequest(Buffer.from(body), headers, SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
      expect(slackTimestamp(headers, NOW).state).toBe('invalid');
    },
  );

  it.each([
    ['application/x-www-form-urlencoded; charset=utf-8', FORM],
    ['Application/X-WWW-Form-Urlencoded; Charset="UTF-8"', FORM],
    ['application/json; charset=utf-8', 'application/json'],
    ['application/json', 'application/json'],
    ['application/json; charset=latin1', undefined],
    ['application/json; charset=utf-8; foo=bar', undefined],
    ['multipart/form-data; boundary=x', undefined],
    ['json', undefined],
    [undefined, undefined],
  ])('reads the content type %j as %j', (header, expected) => {
    expect(slackMediaType(header)).toBe(expected);
  });

  it('refuses what is unsigned, signed with another secret, or stale, with 401', () => {
    expect(check(command(), FORM, { 'x-slack-signature': 'v0=00' })).toMatchObject({ ok: false, status: 401 });
    const other = { ...signedHeaders('another-secret', command(), { timestamp: NOW, contentType: FORM }) };
    expect(checkSlackRequest(Buffer.from(command()), other, SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(
      checkSlackRequest(Buffer.from(command()), { ...signedHeaders(SECRET, command(), { timestamp: NOW - 301, contentType: FORM }) }, SECRET, NOW),
    ).toMatchObject({ ok: false, status: 401 });
  });

  it.each([
    ['a command without user', command({ user_id: '<delete>' })],
    ['a forged user id', command({ user_id: 'U' + 'X'.repeat(100) })],
    ['a lower-case user id', command({ user_id: 'ureq' })],
    ['a repeated key', `${command()}&text=again`],
    ['a payload that is not JSON', 'payload=%7B'],
    ['a null payload', 'payload=null'],
    ['a click without actions', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'UAPP' }, actions: [] }))}`],
    [
      'a click whose value is an object',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'UAPP' }, actions: [{ action_id: 'op_approve', type: 'button', value: { id: 1 } }] }))}`,
    ],
    ['an unknown payload type', `payload=${encodeURIComponent(JSON.stringify({ type: 'rm -rf', user: { id: 'UAPP' } }))}`],
  ])('refuses %s with 400', (_name, body) => {
    expect(check(body, FORM)).toEqual({ ok: false, status: 400, error: 'malformed Slack request' });
  });

  it('refuses malformed events with 400, and other content types with 415', () => {
    expect(check(JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: null }), 'application/json')).toMatchObject({ status: 400 });
    expect(check('[]', 'application/json')).toMatchObject({ status: 400 });
    expect(check('<xml/>', 'text/xml')).toMatchObject({ status: 415 });
  });
});
