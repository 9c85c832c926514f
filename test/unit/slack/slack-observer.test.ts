import { webApi } from '@slack/bolt';
import pino from 'pino';
import type { Operation } from '../../../src/operations/types';
import { SlackOperationObserver } from '../../../src/slack/slack-observer';
import { startSlackEmulator, type SlackEmulator } from '../../../src/sandbox/fakes/slack-api';
import { operationFixture, planFixture, stepFixture } from '../builders';

describe('SlackOperationObserver: editing the operation message', () => {
  let slack: SlackEmulator;
  beforeEach(async () => {
    slack = await startSlackEmulator();
  });
  afterEach(async () => {
    slack.assertNoUnexpected();
    await slack.close();
  });

  async function posted(): Promise<{ client: webApi.WebClient; op: Operation }> {
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const op = operationFixture(planFixture([stepFixture('retract', 'mutating')]), {
      state: 'awaiting_approval',
      version: 2,
      location: { channel: 'CDATAENG' },
    });
    const res = await client.chat.postMessage({ channel: 'CDATAENG', text: 'plan' });
    return { client, op: { ...op, location: { channel: 'CDATAENG', messageTs: res.ts! } } };
  }

  it('shows the newest stored version even when an event carries an older snapshot', async () => {
    const { client, op } = await posted();
    const stored: Operation = { ...op, version: 3, approvals: [{ userId: 'UAPP1', stepId: 'retract', fingerprint: 'f', at: op.createdAt }] };
    const observer = new SlackOperationObserver(client, { approvers: 'anyone' }, pino({ level: 'silent' }), 3000, () => Promise.resolve(stored));
    // The gate's event was built before the click was stored.
    await observer.notify(op, { type: 'finished' });
    const message = slack.message('CDATAENG', op.location.messageTs!)!;
    expect(JSON.stringify(message.versions.at(-1))).toContain('Approved by <@UAPP1>');
  });

  it('sends the edits of one message one at a time, the last showing the newest state', async () => {
    const { client, op } = await posted();
    let stored: Operation = op;
    const observer = new SlackOperationObserver(client, { approvers: 'anyone' }, pino({ level: 'silent' }), 3000, () => Promise.resolve(stored));
    const edits = [1, 2, 3].map((n) => {
      stored = { ...op, version: op.version + n, state: n === 3 ? 'cancelled' : 'awaiting_approval', endedBy: 'UREQ' };
      return observer.notify(stored, { type: 'finished' });
    });
    await Promise.all(edits);
    const versions = slack.message('CDATAENG', op.location.messageTs!)!.versions;
    expect(JSON.stringify(versions.at(-1))).toMatch(/Cancelled by <@UREQ>/);
    const updates = slack.callsTo('chat.update');
    expect(updates).toHaveLength(3);
  });
});
