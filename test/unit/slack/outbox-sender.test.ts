import { webApi } from '@slack/bolt';
import pino from 'pino';
import { OutboxSender } from '../../../src/slack/outbox-sender';
import { MemoryStore } from '../../../src/store/memory';
import { startSlackEmulator, type SlackEmulator } from '../../../src/sandbox/fakes/slack-api';

describe('OutboxSender', () => {
  let slack: SlackEmulator;
  beforeEach(async () => (slack = await startSlackEmulator()));
  afterEach(() => slack.close());
  const client = () => new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const sender = (store: MemoryStore, owner = 'a') =>
    new OutboxSender({ store, client: client(), logger: pino({ level: 'silent' }), owner, leaseMs: 200, maxBackoffMs: 20 });

  it('keeps the order of a thread while its first message is retried, and other threads go on', async () => {
    const store = new MemoryStore();
    const out = sender(store);
    slack.faults.failHttp('chat.postMessage', 500, { times: 3, match: (args) => args.thread_ts === '1.1' });
    for (const text of ['one', 'two', 'three']) await out.post('C1', '1.1', { text });
    await out.post('C1', '2.2', { text: 'other thread' });
    await out.idle();
    expect(slack.threadReplies('C1', '1.1').map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(slack.threadReplies('C1', '2.2').map((m) => m.text)).toEqual(['other thread']);
    // The other thread did not wait for the failing one.
    const order = slack.messages.map((m) => m.text);
    expect(order.indexOf('other thread')).toBeLessThan(order.indexOf('one'));
  });

  it('drops a message Slack refuses for good instead of blocking its thread forever', async () => {
    const out = sender(new MemoryStore());
    slack.failNext('chat.postMessage', 'channel_not_found');
    await out.post('C1', '1.1', { text: 'lost cause' });
    await out.post('C1', '1.1', { text: 'next' });
    await out.idle();
    expect(slack.threadReplies('C1', '1.1').map((m) => m.text)).toEqual(['next']);
  });

  it('lets another sender post what a stopped one left, once its lease ran out, and only once', async () => {
    const store = new MemoryStore();
    const dead = sender(store, 'dead');
    slack.faults.failHttp('chat.postMessage', 500, { times: 1 });
    await dead.stop(); // stopped: the failed attempt is not retried by this sender
    await dead.post('C1', '1.1', { text: 'pending' });
    await dead.idle();
    expect(slack.threadReplies('C1', '1.1')).toHaveLength(0);
    const live = sender(store, 'live');
    await live.sweep(); // the dead sender's lease still runs: nothing to take yet
    await live.idle();
    expect(slack.threadReplies('C1', '1.1')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 250));
    await live.sweep();
    await live.idle();
    await live.sweep();
    await live.idle();
    expect(slack.threadReplies('C1', '1.1').map((m) => m.text)).toEqual(['pending']);
  });
});
