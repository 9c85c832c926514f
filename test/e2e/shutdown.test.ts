import { clickButton, slashCommand } from '../support/payloads';
import { postToSlackEndpoint } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';
import { spawnBot, useChildBotFakes, type ChildBot } from './child-bot';
import { BOT_TOKEN, CHANNEL, DATASET_ID, messageShowing, SIGNING_SECRET, tempDatabase, textOf } from './harness';

/** SIGTERM (a deploy, a scale-down): refuse new work at once, let running steps finish or mark them, exit 0. */
describe('graceful shutdown on SIGTERM', () => {
  const fakes = useChildBotFakes();

  async function runningRetraction(grace: string): Promise<{ bot: ChildBot; planTs: string }> {
    const bot = await spawnBot({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fakes.slack.apiUrl,
      METAPOD_URL: fakes.metapod.url,
      DATABASE_PATH: tempDatabase(),
      SHUTDOWN_GRACE: grace,
    });
    fakes.children.push(bot);
    const send = (body: string) => postToSlackEndpoint(`${bot.url}/slack/events`, body, { secret: SIGNING_SECRET });
    await send(
      slashCommand({ text: `retract committed-dataset ${DATASET_ID}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: fakes.slack.newResponseUrl() }),
    );
    const plan = structuredClone(await waitFor(() => fakes.slack.topLevel(CHANNEL)[0], { what: 'the plan message' }));
    await send(clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: fakes.slack.newResponseUrl() }));
    await waitFor(() => fakes.metapod.requests.length === 1, { what: 'the Metapod request' });
    return { bot, planTs: plan.ts };
  }

  it('lets a running step finish within the grace period, refuses new requests meanwhile, and exits 0', async () => {
    fakes.metapod.respond({ delayMs: 1500 });
    const { bot, planTs } = await runningRetraction('20s');
    const exit = bot.kill('SIGTERM');
    // New work is refused while the step drains: the listener is closed.
    await waitFor(
      async () => {
        try {
          await fetch(`${bot.url}/healthz`);
          return undefined;
        } catch {
          return true;
        }
      },
      { what: 'the listener to close' },
    );
    expect(await exit).toBe(0);
    await messageShowing(fakes.slack, planTs, /Succeeded/);
    expect(fakes.metapod.requests).toHaveLength(1);
  });

  it('marks a step still running after the grace period interrupted, tells the thread, and exits 0', async () => {
    fakes.metapod.respond({ hang: true });
    const { bot, planTs } = await runningRetraction('300ms');
    expect(await bot.kill('SIGTERM')).toBe(0);
    const message = await messageShowing(fakes.slack, planTs, /Interrupted/);
    expect(textOf(message)).toMatch(/shut down while this step was running/);
    const thread = fakes.slack.threadReplies(CHANNEL, planTs).map(textOf).join('\n');
    expect(thread).toMatch(/was interrupted/);
    expect(fakes.metapod.requests).toHaveLength(1);
  });
});
