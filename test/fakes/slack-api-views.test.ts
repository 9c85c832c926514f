import { webApi } from '@slack/bolt';
import { startSlackEmulator, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';

describe('Slack Web API emulator: views.publish', () => {
  let emu: SlackEmulator;
  let client: webApi.WebClient;
  beforeEach(async () => {
    emu = await startSlackEmulator();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
  });
  afterEach(() => emu.close());

  it('keeps the last Home view published for each user', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'one' } }];
    await client.views.publish({ user_id: 'UALICE', view: { type: 'home', blocks } });
    await client.views.publish({ user_id: 'UALICE', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(emu.homeViews.get('UALICE')).toEqual({ type: 'home', blocks: [{ type: 'divider' }] });
    expect(emu.homeViews.has('UBOB')).toBe(false);
    emu.assertNoUnexpected();
  });

  it('refuses a view that is not a Home view, or more than 100 blocks, like Slack', async () => {
    await expect(
      client.views.publish({ user_id: 'UALICE', view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] } }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    const many = Array.from({ length: 101 }, () => ({ type: 'divider' as const }));
    await expect(client.views.publish({ user_id: 'UALICE', view: { type: 'home', blocks: many } })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(emu.homeViews.size).toBe(0);
  });
});
