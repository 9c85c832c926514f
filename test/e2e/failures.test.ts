import { startHttpServer } from '../../src/sandbox/fakes/http-server';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, DATASET_ID, snapshot, startE2E, textOf, type E2E, messageShowing } from './harness';

async function approveAndWaitForEnd(e2e: E2E): Promise<{ message: string; thread: string }> {
  await e2e.command(`retract committed-dataset ${DATASET_ID}`);
  const plan = snapshot(await e2e.planMessage());
  await e2e.click(plan, 'op_approve', 'UAPP');
  const end = await messageShowing(e2e.slack, plan.ts, /Failed|Succeeded/, 8000);
  expect(buttonsOf(end)).toEqual([]);
  return { message: textOf(end), thread: e2e.slack.threadReplies(CHANNEL, plan.ts).map(textOf).join('\n') };
}

async function stillServes(e2e: E2E): Promise<void> {
  expect((await fetch(`${e2e.bot.url}/healthz`)).status).toBe(200);
  const before = e2e.slack.topLevel(CHANNEL).length;
  await e2e.command(`retract attribute ${DATASET_ID}`);
  await waitFor(() => e2e.slack.topLevel(CHANNEL).length === before + 1, { what: 'a new plan after the failure' });
}

describe('Metapod failures end the operation as failed, clearly, and the bot keeps serving', () => {
  let e2e: E2E | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e?.slack.assertNoUnexpected();
    e2e = undefined;
  });

  it('a non-2xx answer', async () => {
    e2e = await startE2E();
    e2e.metapod.respond({ status: 500, body: { error: 'transactor unavailable' } });
    const { message, thread } = await approveAndWaitForEnd(e2e);
    expect(message).toMatch(/Failed: Metapod answered 500/);
    expect(thread).toMatch(/failed \(attempt 1/);
    expect(thread).toContain('transactor unavailable');
    expect(e2e.metapod.requests).toHaveLength(1);
    await stillServes(e2e);
  });

  it('a timeout', async () => {
    e2e = await startE2E({ env: { METAPOD_TIMEOUT: '1s' } });
    e2e.metapod.respond({ hang: true });
    const { message, thread } = await approveAndWaitForEnd(e2e);
    expect(message).toMatch(/Metapod did not answer within 1 s/);
    expect(thread).toMatch(/may or may not have been applied/);
    expect(e2e.metapod.requests).toHaveLength(1);
    await stillServes(e2e);
  });

  it('a refused connection', async () => {
    const closed = await startHttpServer(() => undefined);
    const url = closed.url;
    await closed.close();
    e2e = await startE2E({ env: { METAPOD_URL: url } });
    const { message } = await approveAndWaitForEnd(e2e);
    expect(message).toMatch(/Could not connect to Metapod at http:\/\/127\.0\.0\.1:\d+: connection refused/);
    await stillServes(e2e);
  });

  it('a Metapod URL that answers something else (HTML 404 from a wrong base URL)', async () => {
    const wrong = await startHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    e2e = await startE2E({ env: { METAPOD_URL: `${wrong.url}/not-metapod` } });
    const { message } = await approveAndWaitForEnd(e2e);
    expect(message).toMatch(/Metapod answered 404 Not Found/);
    await wrong.close();
  });

  it('no METAPOD_URL: the command explains retraction is disabled and nothing is planned', async () => {
    e2e = await startE2E({ env: { METAPOD_URL: '' } });
    const res = await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const reply = await waitFor(() => e2e!.slack.responsesTo(res.responseUrl)[0], { what: 'ephemeral refusal' });
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.text)).toMatch(/`\/runbook retract` is disabled: `METAPOD_URL` is not configured/);
    expect(e2e.slack.topLevel(CHANNEL)).toHaveLength(0);
  });

  it('a channel the bot is not in: the requester is told to invite it', async () => {
    e2e = await startE2E();
    e2e.slack.failNext('chat.postMessage', 'not_in_channel');
    const res = await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const reply = await waitFor(() => e2e!.slack.responsesTo(res.responseUrl)[0], { what: 'ephemeral error' });
    expect(String(reply.text)).toMatch(/Invite me with `\/invite @runbook-bot`/);
    expect(e2e.metapod.requests).toHaveLength(0);
  });
});
