import { webApi } from '@slack/bolt';
import pino from 'pino';
import type { Operation } from '../../../src/operations/types';
import { SlackOperationObserver } from '../../../src/slack/slack-observer';
import { startSlackEmulator, type SlackEmulator } from '../../../src/sandbox/fakes/slack-api';
import { operationFixture, planFixture, stepFixture } from '../builders';

// Issue 18 item 3: an edit of the operation message that Slack did not take is replayed later with the
// newest stored state, so the message catches up once Slack recovers.
describe('SlackOperationObserver: a failed edit of the operation message is replayed', () => {
  let slack: SlackEmulator;
  let observer: SlackOperationObserver | undefined;
  beforeEach(async () => {
    slack = await startSlackEmulator();
  });
  afterEach(async () => {
    observer?.stopCatchUp();
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

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  }

  it.each([500, 503, 429])('shows the state stored by then once Slack answers again after HTTP %i', async (status) => {
    const { client, op } = await posted();
    let stored: Operation = { ...op, version: 3, state: 'cancelled', endedBy: 'UREQ' };
    observer = new SlackOperationObserver(client, { approvers: 'anyone' }, pino({ level: 'silent' }), 3000, () => Promise.resolve(stored));
    observer.editRetryMs = 20;
    slack.faults.failHttp('chat.update', status, { times: 3, retryAfter: 0 });
    await observer.notify(stored, { type: 'cancelled', userId: 'UREQ' });
    // Slack failed the edit: the message still shows the plan it was posted with.
    expect(slack.message('CDATAENG', op.location.messageTs!)!.versions).toHaveLength(1);
    // Meanwhile a newer state is stored: the replay shows that one, not the one that failed.
    stored = { ...stored, version: 4, approvals: [{ userId: 'UAPP1', stepId: 'retract', fingerprint: 'f', at: op.createdAt }] };
    await until(() => slack.message('CDATAENG', op.location.messageTs!)!.versions.length > 1);
    const last = JSON.stringify(slack.message('CDATAENG', op.location.messageTs!)!.versions.at(-1));
    expect(last).toMatch(/Cancelled by <@UREQ>/);
    expect(last).toContain('UAPP1');
  });

  it('does not replay an edit Slack refused for good (the message is gone)', async () => {
    const { client, op } = await posted();
    const stored: Operation = { ...op, version: 3, state: 'cancelled', endedBy: 'UREQ', location: { channel: 'CDATAENG', messageTs: '1700000000.999999' } };
    observer = new SlackOperationObserver(client, { approvers: 'anyone' }, pino({ level: 'silent' }), 3000, () => Promise.resolve(stored));
    observer.editRetryMs = 20;
    await observer.notify(stored, { type: 'finished' });
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });
});
