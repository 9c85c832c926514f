import { webApi } from '@slack/bolt';
import { SlackChannelHistory } from '../../../src/slack/channel-history';
import { startSlackEmulator, type SlackEmulator } from '../../../src/sandbox/fakes/slack-api';

describe("SlackChannelHistory over the emulator's conversations.history", () => {
  let emu: SlackEmulator;
  let history: SlackChannelHistory;
  beforeEach(async () => {
    emu = await startSlackEmulator();
    history = new SlackChannelHistory(
      new webApi.WebClient('xoxb-test', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR }),
    );
  });
  afterEach(async () => {
    emu.assertNoUnexpected();
    await emu.close();
  });

  it('returns top-level messages of the channel, newest first, with attachment text, up to the limit', async () => {
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    const first = await client.chat.postMessage({ channel: 'C1', text: 'older' });
    await client.chat.postMessage({ channel: 'C1', text: 'a reply', thread_ts: first.ts });
    await client.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
    await client.chat.postMessage({
      channel: 'C1',
      text: 'Task failed',
      attachments: [{ fallback: 'dagao failed', fields: [{ title: 'Transaction', value: 'f7832a01-001b-56f7-a4fe-b3a417f8f654', short: true }] }],
    });
    const messages = await history.recentMessages('C1', 10);
    expect(messages.map((m) => m.text.split('\n')[0])).toEqual(['Task failed', 'older']);
    expect(messages[0]!.text).toContain('f7832a01-001b-56f7-a4fe-b3a417f8f654');
    expect(await history.recentMessages('C1', 1)).toHaveLength(1);
    expect(emu.callsTo('conversations.history')[0]!.args).toMatchObject({ channel: 'C1', limit: '10' });
  });

  it('explains Slack errors in words', async () => {
    emu.failNext('conversations.history', 'not_in_channel');
    await expect(history.recentMessages('C1', 10)).rejects.toThrow('I am not a member of this channel');
    emu.failNext('conversations.history', 'missing_scope');
    await expect(history.recentMessages('C1', 10)).rejects.toThrow('Slack answered missing_scope');
  });
});
