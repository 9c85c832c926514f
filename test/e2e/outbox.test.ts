import { clickButton, slashCommand } from '../support/payloads';
import { postToSlackEndpoint } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';
import { spawnBot, useChildBotFakes } from './child-bot';
import { BOT_TOKEN, CHANNEL, DATASET_ID, SIGNING_SECRET, messageShowing, tempDatabase, textOf, useE2E } from './harness';

// Only thread replies of the plan fail: the plan itself and the ephemeral answers get through.
const inThread = (ts: string) => (args: Record<string, unknown>) => args.thread_ts === ts;

describe('a step result while Slack answers 500', () => {
  const e2e = useE2E();

  it('is kept and posted once Slack recovers', async () => {
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = structuredClone(await e2e.planMessage());
    // Eight 500s: more than WebClient's own retries of one call (3 attempts), so the outbox must retry.
    e2e.slack.faults.failHttp('chat.postMessage', 500, { times: 8, match: inThread(plan.ts) });
    await e2e.click(plan, 'op_approve', 'UAPP');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
    expect(e2e.slack.threadReplies(CHANNEL, plan.ts)).toHaveLength(0);
    const replies = await waitFor(
      () => {
        const texts = e2e.slack.threadReplies(CHANNEL, plan.ts).map(textOf);
        return texts.some((t) => /Metapod answered 200/.test(t)) ? texts : undefined;
      },
      { timeoutMs: 15_000, what: 'the step result after the 500s' },
    );
    // Each message once, in the order they were said.
    // Once, though its post was attempted nine times.
    expect(replies.filter((t) => /Metapod answered 200/.test(t))).toHaveLength(1);
    expect(e2e.logs.some((l) => l.includes('stays in the outbox'))).toBe(true);
  });
});

describe('a step result pending when the bot is killed', () => {
  const fakes = useChildBotFakes();

  it('is posted by the restarted bot', async () => {
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fakes.slack.apiUrl,
      METAPOD_URL: fakes.metapod.url,
      DATABASE_PATH: tempDatabase(),
      RUNNING_LEASE: '1s',
    };
    const send = (url: string, body: string) => postToSlackEndpoint(`${url}/slack/events`, body, { secret: SIGNING_SECRET });
    const first = await spawnBot(env);
    fakes.children.push(first);
    await send(
      first.url,
      slashCommand({ text: `retract committed-dataset ${DATASET_ID}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: fakes.slack.newResponseUrl() }),
    );
    const plan = structuredClone(await waitFor(() => fakes.slack.topLevel(CHANNEL)[0], { what: 'the plan message' }));
    fakes.slack.faults.failHttp('chat.postMessage', 500, { times: 10_000, match: inThread(plan.ts) });
    await send(first.url, clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: fakes.slack.newResponseUrl() }));
    await messageShowing(fakes.slack, plan.ts, /Succeeded/, 10_000);
    expect(fakes.slack.threadReplies(CHANNEL, plan.ts)).toHaveLength(0);
    expect(await first.kill('SIGKILL')).toBeNull();

    fakes.slack.faults.clear();
    const second = await spawnBot(env);
    fakes.children.push(second);
    const replies = await waitFor(
      () => {
        const texts = fakes.slack.threadReplies(CHANNEL, plan.ts).map(textOf);
        return texts.some((t) => /Metapod answered 200/.test(t)) ? texts : undefined;
      },
      { timeoutMs: 15_000, what: 'the result posted by the restarted bot' },
    );
    expect(replies.filter((t) => /Metapod answered 200/.test(t))).toHaveLength(1);
    // The step itself never ran again.
    expect(fakes.metapod.requests).toHaveLength(1);
  });
});
