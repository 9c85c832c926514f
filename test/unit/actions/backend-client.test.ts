import { z } from 'zod';
import { BackendClient } from '../../../src/actions/http/backend-client';
import { BackendError } from '../../../src/actions/http/errors';
import { pathSegment } from '../../../src/actions/http/path-segment';
import { startHttpServer, type LoopbackServer } from '../../../src/sandbox/fakes/http-server';

const TOKEN = 'tok-3f9a1c77e2b04d51';

describe('BackendClient against a loopback server', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('gives up at its deadline when the server never answers', async () => {
    server = await startHttpServer(() => undefined); // never answers
    const client = new BackendClient({ backend: 'Metapod', timeoutMs: 300 });
    const err = await client.request({ url: `${server.url}/slow` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ backend: 'Metapod', code: 'timeout' });
  });

  it("says 'abandoned' when the caller's signal aborts first", async () => {
    server = await startHttpServer(() => undefined);
    const controller = new AbortController();
    const pending = new BackendClient({ backend: 'GoCD', timeoutMs: 10_000 }).request({ url: server.url, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('step cancelled')), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted', message: expect.stringContaining('step cancelled') });
  });

  it('stops reading a body that streams forever once it passes the cap', async () => {
    let written = 0;
    let closed = false;
    server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = (): void => {
        // Writes until the socket pushes back, then waits: only what the client reads gets sent.
        while (!closed && res.write(chunk)) written += chunk.length;
        if (!closed) {
          written += chunk.length;
          res.once('drain', pump);
        }
      };
      res.on('close', () => {
        closed = true;
      });
      pump();
    });
    const client = new BackendClient({ backend: 'Airflow', timeoutMs: 10_000, maxBytes: 64 * 1024 });
    const err = await client.request({ url: `${server.url}/huge` }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      backend: 'Airflow',
      code: 'too_large',
      message: "Airflow's answer to GET /huge is larger than 64 KiB; the bot does not read it.",
    });
    // The connection is closed by the client: the server stops, far short of what an unbounded read would take.
    await waitFor(() => closed);
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('keeps the end of an oversized body when asked to (logs)', async () => {
    server = await startHttpServer((_req, res) => void res.end(`${'x'.repeat(5000)}THE-END`));
    const answer = await new BackendClient({ backend: 'Airflow', timeoutMs: 2000 }).request({
      url: server.url,
      maxBytes: 100,
      keepEnd: true,
      accept: 'text/plain',
    });
    expect(answer.text).toHaveLength(100);
    expect(answer.text.endsWith('THE-END')).toBe(true);
  });

  it.each([
    [404, 'Not Found', '{"error":"no such pipeline"}'],
    [500, 'Internal Server Error', '<html><body>boom</body></html>'],
    [503, 'Service Unavailable', ''],
  ])('maps %i to a BackendError with the status and a short excerpt', async (status, text, body) => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    });
    const err = await new BackendClient({ backend: 'GoCD', timeoutMs: 2000 }).request({ url: `${server.url}/x` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    const excerpt = body === '' ? '(empty body)' : body;
    expect(err).toMatchObject({ backend: 'GoCD', code: 'http_status', status, bodySummary: excerpt, message: `GoCD answered ${status} ${text}: ${excerpt}` });
  });

  it('never lets an auth header or a listed secret reach an error, even when the backend echoes them', async () => {
    server = await startHttpServer((req, res, body) => {
      res.writeHead(401);
      res.end(JSON.stringify({ youSent: req.headers.authorization, body }));
    });
    const client = new BackendClient({
      backend: 'Opsgenie',
      timeoutMs: 2000,
      auth: () => ({ authorization: `GenieKey ${TOKEN}` }),
      secrets: ['hunter2-password'],
    });
    const err = (await client
      .request({ method: 'POST', url: `${server.url}/v2/x?token=${TOKEN}`, json: { password: 'hunter2-password' } })
      .catch((e: unknown) => e)) as BackendError;
    expect(err).toMatchObject({ code: 'http_status', status: 401 });
    const everything = `${err.message} ${err.bodySummary ?? ''} ${err.stack ?? ''}`;
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('hunter2-password');
    // The path is named, the query (which may carry values) is not.
    expect(err.message).toContain('POST /v2/x');
  });

  it('sends JSON and form bodies with their content types, and auth headers', async () => {
    const seen: { type?: string; auth?: string; body: string }[] = [];
    server = await startHttpServer((req, res, body) => {
      seen.push({ type: req.headers['content-type'], auth: req.headers.authorization, body });
      res.end('{"ok":true}');
    });
    const client = new BackendClient({ backend: 'Airflow', timeoutMs: 2000, auth: () => ({ authorization: `Bearer ${TOKEN}` }) });
    await client.json({ method: 'POST', url: server.url, json: { a: 1 } }, z.object({ ok: z.boolean() }));
    await client.json({ method: 'POST', url: server.url, form: { grant_type: 'password', user: 'a b' }, anonymous: true }, z.object({ ok: z.boolean() }));
    expect(seen).toEqual([
      { type: 'application/json', auth: `Bearer ${TOKEN}`, body: '{"a":1}' },
      { type: 'application/x-www-form-urlencoded', auth: undefined, body: 'grant_type=password&user=a+b' },
    ]);
  });

  it('fails closed, naming the field, when the answer does not match the schema', async () => {
    server = await startHttpServer((_req, res) => void res.end('{"dag_runs":[{"dag_id":"d","state":7}]}'));
    const schema = z.object({ dag_runs: z.array(z.object({ dag_id: z.string(), state: z.string() })) });
    const err = await new BackendClient({ backend: 'Airflow', timeoutMs: 2000 }).json({ url: server.url }, schema).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unreadable_answer', status: 200, message: "could not read Airflow's answer: dag_runs.0.state" });
  });

  it('fails closed on a body that is not JSON at all', async () => {
    server = await startHttpServer((_req, res) => void res.end('<html>login</html>'));
    const err = await new BackendClient({ backend: 'Sonar', timeoutMs: 2000 }).json({ url: server.url }, z.object({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unreadable_answer', message: "could not read Sonar's answer: it is not JSON (<html>login</html>)" });
  });

  it('lets an adapter word its own status errors', async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(404);
      res.end('{}');
    });
    const client = new BackendClient({ backend: 'GoCD', timeoutMs: 2000 });
    const err = await client
      .request({
        url: server.url,
        statusError: (a) => (a.status === 404 ? new BackendError('GoCD', 'http_status', 'GoCD has no pipeline `x`.', 404) : undefined),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'GoCD has no pipeline `x`.' });
  });

  it('refuses path values that would change the URL before any request', () => {
    for (const bad of ['', '.', '..']) expect(() => pathSegment('Metapod', 'id', bad)).toThrow(BackendError);
    expect(pathSegment('Metapod', 'id', '../admin?x#y')).toBe('..%2Fadmin%3Fx%23y');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
