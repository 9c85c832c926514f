import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OctokitGitHubActions } from '../../../src/actions/github/github-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { GraphqlSonarActions } from '../../../src/actions/sonar/sonar-actions';
import { SlackLimiters } from '../../../src/slack/rate-limits';
import { slackFetch } from '../../../src/slack/web-api-fetch';

// A loopback server whose handler each test sets: it plays a backend that hangs, floods or fails.
// GitHub and Sonar are reached through their libraries (Octokit, graphql-request), which get the shared backend fetch.

const TX = '5f0c6a4e-0a0b-4c2d-9e8f-1a2b3c4d5e6f';
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const FLOOD_TOTAL = 256 * 1024 * 1024;

let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;
let sent = 0;
let closedEarly = false;

beforeEach(async () => {
  sent = 0;
  closedEarly = false;
  server = createServer((req, res) => handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Headers and a first byte, then nothing: the body never ends. */
function hang(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{');
}

/** A 200 whose JSON body would be 256 MiB, written as fast as the client reads it. */
function flood(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.on('close', () => (closedEarly = sent < FLOOD_TOTAL));
  const pump = (): void => {
    while (sent < FLOOD_TOTAL) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function fail(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'Server Error' }));
}

function redirectAway(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/', 'content-type': 'application/json' });
  res.end('{"message":"Moved Permanently"}');
}

const github = (timeoutMs = 300, maxBytes = 1024 * 1024) => new OctokitGitHubActions(base, 'tok', timeoutMs, maxBytes);
const sonar = (timeoutMs = 300, maxBytes = 1024 * 1024) => new GraphqlSonarActions(`${base}/graphql`, 'tok', timeoutMs, maxBytes);

async function failure(p: Promise<unknown>): Promise<BackendError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackendError);
  return err as BackendError;
}

describe.each([
  ['GitHub through Octokit', 'GitHub', (t?: number, m?: number) => github(t, m).defaultBranch('o/r')],
  ['Sonar through graphql-request', 'Sonar', (t?: number, m?: number) => sonar(t, m).uncommittedDatasets(TX)],
])('the shared backend fetch: %s', (_name, backend, call) => {
  it('abandons a backend that never finishes its body at the deadline, with a timeout error', async () => {
    handler = hang;
    const err = await failure(call(300));
    expect(err).toMatchObject({ backend, code: 'timeout' });
    expect(err.message).toContain('did not answer within 0.3 s');
  });

  it('refuses a body over the cap while it streams, without reading it all', async () => {
    handler = flood;
    const err = await failure(call(60_000, 1024 * 1024));
    expect(err).toMatchObject({ backend, code: 'too_large', status: 200 });
    expect(err.message).toContain('larger than 1 MiB');
    await waitFor(() => closedEarly);
    expect(sent).toBeLessThan(FLOOD_TOTAL / 4);
  });

  it('turns a 500 into a BackendError with the status', async () => {
    handler = fail;
    const err = await failure(call());
    expect(err).toMatchObject({ backend, code: 'http_status', status: 500 });
  });

  it('does not follow a redirect to another host', async () => {
    handler = redirectAway;
    const err = await failure(call());
    expect(err).toMatchObject({ backend, code: 'redirect_refused', status: 301 });
    expect(err.message).toContain('http://169.254.169.254');
  });

  it('stops when the caller abandons the call, and says so', async () => {
    handler = hang;
    const controller = new AbortController();
    const p = backend === 'GitHub' ? github(60_000).defaultBranch('o/r', controller.signal) : sonar(60_000).uncommittedDatasets(TX, controller.signal);
    setTimeout(() => controller.abort(new Error('the operation was cancelled')), 50);
    expect(await failure(p)).toMatchObject({ backend, code: 'aborted' });
  });
});

it('follows a redirect within the same host (a renamed GitHub repository)', async () => {
  handler = (req, res) => {
    if (req.url === '/repos/o/old') return void res.writeHead(301, { location: '/repositories/42' }).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ default_branch: 'trunk' }));
  };
  await expect(github().defaultBranch('o/old')).resolves.toBe('trunk');
});

describe('the Slack Web API fetch, which shares the capped reader', () => {
  const limiters = new SlackLimiters();
  afterAll(() => limiters.stop());
  const post = (timeoutMs: number) =>
    slackFetch({ timeoutMs, limiters, maxBytes: 1024 * 1024 })(`${base}/api/chat.postMessage`, { method: 'POST', body: 'channel=C1&text=hi' });

  it('refuses an answer over the cap while it streams', async () => {
    handler = flood;
    const err = await failure(post(60_000));
    expect(err).toMatchObject({ backend: 'Slack', code: 'too_large' });
    expect(err.message).toContain('POST chat.postMessage');
    await waitFor(() => closedEarly);
    expect(sent).toBeLessThan(FLOOD_TOTAL / 4);
  });

  it('fails the attempt when the body does not end before the deadline (WebClient retries it)', async () => {
    handler = hang;
    await expect(post(300)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('hands a whole small answer to WebClient', async () => {
    handler = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"ts":"1.2"}');
    const res = await post(2_000);
    expect(await res.json()).toEqual({ ok: true, ts: '1.2' });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
