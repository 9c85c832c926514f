import { waitFor } from '../support/wait-for';
import { startMetapodFake } from '../../src/sandbox/fakes/metapod';
import type { MetapodFake } from '../../src/sandbox/fakes/metapod';

const ID = '3f2b8c1e-9a4d-4e2f-8b7a-0c1d2e3f4a5b';

describe('Metapod fake', () => {
  let metapod: MetapodFake;

  beforeEach(async () => {
    metapod = await startMetapodFake();
  });
  afterEach(async () => {
    await metapod.close();
  });

  const retract = (kind: string, id = ID, init: RequestInit = {}): Promise<Response> =>
    fetch(`${metapod.url}/api/migrations/retract/${kind}/${id}`, { method: 'POST', ...init });

  it('records an expected retract request and answers with the default body', async () => {
    const res = await retract('indexed-attribute', ID, {
      headers: { 'content-type': 'application/json', authorization: 'Bearer mp' },
      body: '{"reason":"x"}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ retracted: ID });
    expect(metapod.requests).toHaveLength(1);
    expect(metapod.requests[0]).toMatchObject({
      method: 'POST',
      path: `/api/migrations/retract/indexed-attribute/${ID}`,
      kind: 'indexed-attribute',
      id: ID,
      body: '{"reason":"x"}',
      headers: { authorization: 'Bearer mp' },
    });
    metapod.assertNoUnexpected();
  });

  it.each([
    ['wrong kind', () => retract('dataset')],
    ['non-uuid id', () => retract('attribute', 'not-a-uuid')],
    ['wrong method', () => retract('attribute', ID, { method: 'GET' })],
    ['other path', () => fetch(`${metapod.url}/api/migrations`, { method: 'POST' })],
  ])('answers 404 and records %s as unexpected', async (_name, send) => {
    const res = await send();
    expect(res.status).toBe(404);
    expect(metapod.requests).toHaveLength(0);
    expect(metapod.unexpected).toHaveLength(1);
    expect(() => metapod.assertNoUnexpected()).toThrow(/unexpected/);
  });

  it('applies a status and body override to subsequent requests', async () => {
    metapod.respond({ status: 409, body: { error: 'already retracted' } });
    const res = await retract('attribute');
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'already retracted' });

    metapod.respond({ status: 502, body: '<html>bad gateway</html>' });
    const html = await retract('committed-dataset');
    expect(html.status).toBe(502);
    expect(await html.text()).toBe('<html>bad gateway</html>');
  });

  it('chooses a behaviour per request when given a function', async () => {
    metapod.respond((req) => (req.kind === 'attribute' ? { status: 500 } : {}));
    expect((await retract('attribute')).status).toBe(500);
    expect((await retract('committed-dataset')).status).toBe(200);
  });

  it('delays the answer by delayMs', async () => {
    metapod.respond({ delayMs: 150 });
    const started = Date.now();
    await retract('attribute');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('records a hanging request immediately and close() resolves promptly', async () => {
    metapod.respond({ hang: true });
    const pending = retract('attribute').then(
      () => 'answered',
      () => 'connection dropped',
    );
    await waitFor(() => metapod.requests.length === 1, { what: 'the hanging request to be recorded' });

    // Bounded here so a regression fails fast instead of at Jest's 30s timeout.
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      metapod.close().then(() => 'closed'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('close() hung'), 2000))),
    ]);
    clearTimeout(timer);
    expect(closed).toBe('closed');
    await expect(pending).resolves.toBe('connection dropped');
  });

  it('answers 500 instead of crashing when a responder throws', async () => {
    metapod.respond(() => {
      throw new Error('responder bug');
    });
    const res = await retract('attribute');
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/responder bug/);
    metapod.respond({});
    expect((await retract('attribute')).status).toBe(200);
  });

  it('lets waitFor time out with a descriptive error when nothing arrives', async () => {
    await expect(waitFor(() => metapod.requests.length > 0, { timeoutMs: 100, what: 'a retract request' })).rejects.toThrow(
      'Timed out after 100ms waiting for a retract request',
    );
  });
});
