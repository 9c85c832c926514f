import { webApi } from '@slack/bolt';
import { uploadFilesToThread } from '../../src/slack/upload-files';
import { startSlackEmulator, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';

describe('files upload v2 in the Slack emulator', () => {
  let slack: SlackEmulator;
  let client: webApi.WebClient;
  beforeEach(async () => {
    slack = await startSlackEmulator();
    client = new webApi.WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);

  it('records the bytes posted through WebClient.filesUploadV2 (multipart) and the thread they were shared in', async () => {
    await uploadFilesToThread(client, 'CDATA', '1700000000.000100', [{ filename: 'chart.png', title: 'Chart', content: bytes, altText: 'a chart' }]);
    expect(slack.files).toHaveLength(1);
    expect(slack.files[0]).toMatchObject({ filename: 'chart.png', title: 'Chart', altText: 'a chart', channel: 'CDATA', thread_ts: '1700000000.000100' });
    expect(slack.files[0]!.bytes.equals(bytes)).toBe(true);
    expect(slack.callsTo('files.completeUploadExternal')[0]!.args).toMatchObject({ channel_id: 'CDATA', thread_ts: '1700000000.000100' });
    slack.assertNoUnexpected();
  });

  it('accepts raw bytes too, and refuses a length that differs from the announced one', async () => {
    const res = await client.files.getUploadURLExternal({ filename: 'a.png', length: bytes.length });
    const wrong = await fetch(res.upload_url!, { method: 'POST', body: bytes.subarray(1) });
    expect(wrong.status).toBe(400);
    expect(slack.unexpected[0]).toMatch(/10 bytes, but getUploadURLExternal announced 11/);
    slack.unexpected.length = 0;

    const other = await client.files.getUploadURLExternal({ filename: 'b.png', length: bytes.length });
    expect((await fetch(other.upload_url!, { method: 'POST', body: bytes })).status).toBe(200);
    await client.files.completeUploadExternal({ files: [{ id: other.file_id!, title: 'B' }], channel_id: 'CDATA' });
    expect(slack.files.map((f) => [f.filename, f.bytes.length])).toEqual([['b.png', 11]]);
  });

  it('refuses to complete a file whose bytes never arrived', async () => {
    const res = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    await expect(client.files.completeUploadExternal({ files: [{ id: res.file_id! }], channel_id: 'CDATA' })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
  });
});
