import type { DynamoDbActions } from '../../src/actions/dynamodb/dynamodb-actions';
import { waitFor } from '../support/wait-for';
import { CHANNEL, textOf, useE2E } from './harness';

// Datasets for the retract plans (any UUID; retract's plan needs no backend call).
const ids = Array.from({ length: 6 }, (_, i) => `5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f6${i}`);
const statusAnswer = (slack: ReturnType<typeof useE2E>['slack'], url: string) =>
  waitFor(
    () =>
      slack
        .responsesTo(url)
        .map((b) => JSON.stringify(b))
        .find((b) => /operations|No operations/i.test(b)),
    { what: 'the status answer on response_url' },
  );

describe('Slack API hanging for plan posts', () => {
  // Long attempt deadline: the hang ends before it, so the held calls are answered when Slack recovers.
  const e2e = useE2E({ overrides: { slackTimeoutMs: 60_000 } });

  it('answers /runbook status and help while six plans wait on chat.postMessage, then posts all six', async () => {
    const release = e2e.slack.faults.hang('chat.postMessage');
    for (const id of ids) expect((await e2e.command(`retract committed-dataset ${id}`)).status).toBe(200);
    // More commands than after-ack slots are now waiting on Slack.
    await waitFor(() => e2e.logs.some((l) => l.includes('still working after 5 s')), { timeoutMs: 10_000, what: 'a slot handed on' });

    const status = await e2e.command('status');
    await statusAnswer(e2e.slack, status.responseUrl);
    const help = await e2e.command('help');
    expect(textOf(help.json as { text?: string })).toMatch(/runbook/);
    expect(e2e.slack.topLevel(CHANNEL)).toHaveLength(0);

    release();
    await waitFor(() => e2e.slack.topLevel(CHANNEL).length === ids.length, { timeoutMs: 10_000, what: 'every plan posted after the recovery' });
    const posted = e2e.slack.topLevel(CHANNEL).map(textOf).join('\n');
    for (const id of ids) expect(posted).toContain(id);
  });

  it('waits out a 429 with Retry-After, retries 500s, and posts the plan once', async () => {
    e2e.slack.faults.failHttp('chat.postMessage', 429, { times: 1, retryAfter: 1 });
    e2e.slack.faults.failHttp('chat.postMessage', 500, { times: 2 });
    await e2e.command(`retract attribute ${ids[0]!}`);
    const status = await e2e.command('status');
    await statusAnswer(e2e.slack, status.responseUrl);
    await waitFor(() => e2e.slack.topLevel(CHANNEL)[0], { timeoutMs: 10_000, what: 'the plan after the 429 and the 500s' });
    expect(e2e.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(e2e.logs.some((l) => l.includes('Retry-After'))).toBe(true);
  });
});

describe('a backend hanging for some commands', () => {
  const waiting: (() => void)[] = [];
  let recovered = false;
  const releaseDynamo = (): void => {
    recovered = true;
    waiting.splice(0).forEach((resolve) => resolve());
  };
  const hanging: DynamoDbActions = {
    describeTable: () => (recovered ? Promise.resolve(undefined) : new Promise((resolve) => waiting.push(() => resolve(undefined)))),
    updateCapacity: () => Promise.reject(new Error('not expected')),
  };
  const e2e = useE2E({ overrides: { dynamodb: hanging } });

  it('answers /runbook status while datomic plans wait on DynamoDB, and finishes them when it answers', async () => {
    for (let i = 0; i < 5; i++) await e2e.command(`datomic svc${i}`);
    const status = await e2e.command('status');
    await statusAnswer(e2e.slack, status.responseUrl);
    // The tables do not exist: each command gets its own ephemeral refusal once DynamoDB answers.
    await waitFor(() => waiting.length === 5, { what: 'five DescribeTable calls waiting' });
    releaseDynamo();
    await waitFor(() => e2e.slack.responses.filter((r) => /svc\d/.test(JSON.stringify(r.body))).length === 5, {
      timeoutMs: 10_000,
      what: 'the datomic answers',
    });
  });
});
