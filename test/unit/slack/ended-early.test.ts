import type { webApi } from '@slack/bolt';
import pino from 'pino';
import { describeApprovers } from '../../../src/operations/policy';
import type { StepResult } from '../../../src/operations/types';
import { endedEarlyText, renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import { SlackOperationObserver } from '../../../src/slack/slack-observer';
import { allText, buttonsOf, CREATED_AT, operationFixture, planFixture, stepFixture } from '../builders';

const ANYONE = describeApprovers({ approvers: [] });
const ran: StepResult = {
  stepId: 'a',
  attempt: 1,
  outcome: 'succeeded',
  summary: 'No throttling in the last 3 h.',
  details: [],
  externalIds: {},
  startedAt: CREATED_AT,
  finishedAt: CREATED_AT,
  durationMs: 1200,
};
const plan = planFixture([stepFixture('a', 'read-only'), stepFixture('b', 'mutating'), stepFixture('c', 'destructive', { title: 'Drop <!channel> *now*' })]);

describe('renderOperationMessage: an operation that ended early', () => {
  const op = operationFixture(plan, { state: 'succeeded', currentStep: 0, results: [ran], reason: 'No throttling found: nothing to change.' });

  it('shows the steps after the last one that ran as skipped, says why, and offers no buttons', () => {
    const message = renderOperationMessage(op, { approvers: ANYONE });
    const text = allText(message);
    expect(text).toMatch(/:white_check_mark: \*Step 1\/3: Step a\*/);
    expect(text).toMatch(/:fast_forward: \*Step 2\/3: Step b\*\nSkipped \(not run\): the operation ended early/);
    expect(text).toMatch(/:fast_forward: \*Step 3\/3: Drop/);
    expect(text).toContain('Succeeded* in 1.2 s: No throttling in the last 3 h.');
    expect(text).toContain(':fast_forward: Ended early. No throttling found: nothing to change. Not run: *Step b*, *Drop &lt;!channel&gt; *now**.');
    expect(buttonsOf(message)).toEqual([]);
  });

  it('renders a normal success without any "skipped" wording', () => {
    const single = planFixture([stepFixture('a', 'read-only')]);
    const text = allText(renderOperationMessage(operationFixture(single, { state: 'succeeded', currentStep: 0, results: [ran] }), { approvers: ANYONE }));
    expect(text).not.toMatch(/Skipped|Ended early|fast_forward/);
  });

  it('does not call pending steps of a running operation skipped', () => {
    const text = allText(renderOperationMessage(operationFixture(plan, { state: 'running', currentStep: 0 }), { approvers: ANYONE }));
    expect(text).toMatch(/:white_square: \*Step 2\/3/);
    expect(text).not.toContain('Skipped');
  });

  it('the thread note names the skipped steps', () => {
    expect(endedEarlyText(op)).toMatch(/^:fast_forward: Ended early\. No throttling found: nothing to change\. Not run: \*Step b\*, /);
  });
});

describe('SlackOperationObserver: the end of an operation that ended early', () => {
  const fakeClient = () => {
    const posted: { thread_ts?: string; text: string }[] = [];
    const updated: { ts: string; text: string }[] = [];
    const client = {
      chat: {
        postMessage: (a: { thread_ts?: string; text: string }) => (posted.push(a), Promise.resolve({ ok: true, ts: '1.2' })),
        update: (a: { ts: string; text: string }) => (updated.push(a), Promise.resolve({ ok: true })),
      },
    };
    return { client: client as unknown as webApi.WebClient, posted, updated };
  };
  const location = { channel: 'CDATA', messageTs: '1700000000.000100' };

  it('says in the thread that it ended early and which steps were not run, then updates the message', async () => {
    const slack = fakeClient();
    const observer = new SlackOperationObserver(slack.client, { approvers: ANYONE }, pino({ level: 'silent' }));
    await observer.notify(operationFixture(plan, { state: 'succeeded', currentStep: 0, results: [ran], reason: 'Nothing to change.', location }), {
      type: 'finished',
    });
    expect(slack.posted).toEqual([
      expect.objectContaining({
        thread_ts: '1700000000.000100',
        text: expect.stringMatching(/^:fast_forward: Ended early\. Nothing to change\. Not run: \*Step b\*/),
      }),
    ]);
    expect(slack.updated).toHaveLength(1);
  });

  it('posts nothing extra when every step ran', async () => {
    const slack = fakeClient();
    const observer = new SlackOperationObserver(slack.client, { approvers: ANYONE }, pino({ level: 'silent' }));
    await observer.notify(operationFixture(planFixture([stepFixture('a', 'read-only')]), { state: 'succeeded', currentStep: 0, results: [ran], location }), {
      type: 'finished',
    });
    expect(slack.posted).toEqual([]);
    expect(slack.updated).toHaveLength(1);
  });
});
