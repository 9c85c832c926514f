import { clickButton, slashCommand } from '../support/payloads';
import { postToSlackEndpoint } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';
import { spawnBot, useChildBotFakes, type ChildBot } from './child-bot';
import { BOT_TOKEN, buttonsOf, CHANNEL, DATASET_ID, SIGNING_SECRET, tempDatabase, textOf, messageShowing } from './harness';

// Each test starts its bots as real processes (killed with -9 on purpose), sharing these fakes.
const fakes = useChildBotFakes();

/** A bot configuration with a fresh shared database and a 1 s lease, so a dead runner is noticed fast. */
const crashEnv = (): Record<string, string> => ({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fakes.slack.apiUrl,
  METAPOD_URL: fakes.metapod.url,
  METAPOD_TIMEOUT: '5m',
  DATABASE_PATH: tempDatabase(),
  RUNNING_LEASE: '1s',
});
const send = (bot: ChildBot, body: string) => postToSlackEndpoint(`${bot.url}/slack/events`, body, { secret: SIGNING_SECRET });

describe('a crash while Metapod is being called', () => {
  it('marks the step interrupted after restart, tells the thread, and never re-sends the request', async () => {
    const env = crashEnv();
    fakes.metapod.respond({ hang: true });
    const first = await spawnBot(env);
    fakes.children.push(first);

    await send(
      first,
      slashCommand({ text: `retract committed-dataset ${DATASET_ID}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: fakes.slack.newResponseUrl() }),
    );
    const plan = structuredClone(await waitFor(() => fakes.slack.topLevel(CHANNEL)[0], { what: 'the plan message' }));
    await send(first, clickButton(plan, 'op_approve', { userId: 'UAPP', responseUrl: fakes.slack.newResponseUrl() }));
    await waitFor(() => fakes.metapod.requests.length === 1, { what: 'the hanging Metapod request' });

    expect(await first.kill('SIGKILL')).toBeNull();
    const second = await spawnBot(env);
    fakes.children.push(second);

    const interrupted = await messageShowing(fakes.slack, plan.ts, /Interrupted/, 10_000);
    expect(textOf(interrupted)).toMatch(/It was not run again/);
    const thread = await waitFor(
      () => {
        const replies = fakes.slack.threadReplies(CHANNEL, plan.ts).map(textOf).join('\n');
        return /was interrupted/.test(replies) ? replies : undefined;
      },
      { what: 'the interruption notice in the thread' },
    );
    expect(thread).toMatch(/was interrupted: the bot stopped while it was running/);
    expect(thread).toMatch(/\*not\* run again/);

    // A click on the old button after the restart is told the state and sends nothing.
    await send(second, clickButton(plan, 'op_approve', { userId: 'UOTHER', responseUrl: fakes.slack.newResponseUrl() }));
    await waitFor(() => fakes.slack.ephemerals.find((e) => e.user === 'UOTHER'), { what: 'state explanation' });
    expect(fakes.slack.ephemerals.find((e) => e.user === 'UOTHER')!.text).toMatch(/interrupted while running and was not re-run/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fakes.metapod.requests).toHaveLength(1);

    // The interrupted message offers a read-only check, a run again (fresh approval) and closing.
    const stuck = structuredClone(interrupted);
    expect(buttonsOf(stuck)).toEqual(['op_check_state', 'op_run_again', 'op_cancel']);
    await send(second, clickButton(stuck, 'op_check_state', { userId: 'UOTHER', responseUrl: fakes.slack.newResponseUrl() }));
    const checked = await waitFor(
      () =>
        fakes.slack
          .threadReplies(CHANNEL, plan.ts)
          .map(textOf)
          .find((t) => /checked the state/.test(t)),
      { what: 'the state check' },
    );
    expect(checked).toContain(`POST ${fakes.metapod.url}/api/migrations/retract/committed-dataset/${DATASET_ID}`);
    expect(fakes.metapod.requests).toHaveLength(1);

    fakes.metapod.respond({});
    await send(second, clickButton(stuck, 'op_run_again', { userId: 'UREQ', responseUrl: fakes.slack.newResponseUrl() }));
    const again = structuredClone(await messageShowing(fakes.slack, plan.ts, /Awaiting approval/));
    await waitFor(
      () =>
        fakes.slack
          .threadReplies(CHANNEL, plan.ts)
          .map(textOf)
          .find((t) => /asked to run .* again/.test(t)),
      { what: 'the run-again notice' },
    );
    // The pre-crash Approve button (attempt 1) cannot approve attempt 2, and the requester cannot approve their own.
    await send(second, clickButton(plan, 'op_approve', { userId: 'UOTHER', responseUrl: fakes.slack.newResponseUrl() }));
    await waitFor(() => fakes.slack.ephemerals.filter((e) => e.user === 'UOTHER').length === 2, { what: 'the stale-button answer' });
    expect(fakes.slack.ephemerals.filter((e) => e.user === 'UOTHER')[1]!.text).toMatch(/older preview/);
    await send(second, clickButton(again, 'op_approve', { userId: 'UREQ', responseUrl: fakes.slack.newResponseUrl() }));
    await waitFor(() => fakes.slack.ephemerals.find((e) => e.user === 'UREQ'), { what: 'the four-eyes refusal' });
    expect(fakes.metapod.requests).toHaveLength(1);
    await send(second, clickButton(again, 'op_approve', { userId: 'UAPP', responseUrl: fakes.slack.newResponseUrl() }));
    await messageShowing(fakes.slack, plan.ts, /Succeeded/, 10_000);
    expect(fakes.metapod.requests).toHaveLength(2);
    expect(second.output.join('')).not.toContain(BOT_TOKEN);
  });
});

describe('kill -9 of one replica while the other keeps serving', () => {
  it("the survivor marks the dead replica's step interrupted without re-running it, and serves new work", async () => {
    const env = crashEnv();
    const a = await spawnBot(env);
    const b = await spawnBot(env);
    fakes.children.push(a, b);
    const OTHER_DATASET = '0b9d8c7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e';

    // Replica A runs a retraction whose Metapod call hangs, then dies with kill -9.
    fakes.metapod.respond((req) => (req.id === DATASET_ID ? { hang: true } : {}));
    await send(
      a,
      slashCommand({ text: `retract committed-dataset ${DATASET_ID}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: fakes.slack.newResponseUrl() }),
    );
    const first = structuredClone(await waitFor(() => fakes.slack.topLevel(CHANNEL).find((m) => textOf(m).includes(DATASET_ID)), { what: 'the first plan' }));
    await send(a, clickButton(first, 'op_approve', { userId: 'UAPP', responseUrl: fakes.slack.newResponseUrl() }));
    await waitFor(() => fakes.metapod.requests.length === 1, { what: 'the hanging Metapod request' });
    expect(await a.kill('SIGKILL')).toBeNull();

    // Replica B, which never restarted, notices the expired lease and says so in the thread.
    const interrupted = await messageShowing(fakes.slack, first.ts, /Interrupted/, 15_000);
    expect(buttonsOf(interrupted)).toEqual(['op_check_state', 'op_run_again', 'op_cancel']);

    // B serves a new request end to end meanwhile; the interrupted step was never sent again.
    await send(b, slashCommand({ text: `retract attribute ${OTHER_DATASET}`, userId: 'UREQ', channelId: CHANNEL, responseUrl: fakes.slack.newResponseUrl() }));
    const second = structuredClone(
      await waitFor(() => fakes.slack.topLevel(CHANNEL).find((m) => textOf(m).includes(OTHER_DATASET)), { what: 'the second plan' }),
    );
    await send(b, clickButton(second, 'op_approve', { userId: 'UAPP', responseUrl: fakes.slack.newResponseUrl() }));
    await messageShowing(fakes.slack, second.ts, /Succeeded/, 10_000);
    expect(fakes.metapod.requests.map((r) => r.id)).toEqual([DATASET_ID, OTHER_DATASET]);
  });
});
