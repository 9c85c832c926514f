import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeCli, isAlive, type FakeCli } from '../../src/sandbox/fakes/fake-cli';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

describe('/runbook aurora through signed Slack requests, with fake sabesp on disk', () => {
  let cli: FakeCli;
  let e2e: E2E | undefined;
  const start = async (env: Record<string, string> = {}): Promise<E2E> => {
    e2e = await startE2E({ env: { SABESP_BIN: cli.path('sabesp'), NU_BIN: cli.path('nu'), ...env } });
    return e2e;
  };
  beforeEach(() => (cli = createFakeCli()));
  afterEach(async () => {
    await e2e?.close();
    e2e?.slack.assertNoUnexpected();
    e2e = undefined;
    cli.remove();
  });

  const thread = (bot: E2E, ts: string): string => bot.slack.threadReplies(CHANNEL, ts).map(textOf).join('\n');

  it('status (read-only) runs at once with the exact argv and posts output, exit code and duration', async () => {
    const bot = await start();
    cli.script('sabesp', { stdout: ['JOB    STATE', 'dagao  RUNNING <b>&'], exitCode: 0 });
    await bot.command('aurora status dagao');
    const plan = await bot.planMessage();
    expect(textOf(plan)).toContain(`${cli.path('sabesp')} --aurora-stack=cantareira-stable jobs status prod dagao`);
    const done = await messageShowing(bot.slack, plan.ts, /Succeeded/);
    expect(buttonsOf(done)).toEqual([]);
    expect(cli.calls('sabesp')).toEqual([['--aurora-stack=cantareira-stable', 'jobs', 'status', 'prod', 'dagao']]);
    // The result goes to the thread through the outbox, after the message shows Succeeded.
    const replies = await waitFor(() => (/`sabesp` exited with code/.test(thread(bot, plan.ts)) ? thread(bot, plan.ts) : undefined), {
      what: 'the result in the thread',
    });
    expect(replies).toMatch(/`sabesp` exited with code 0 in \d/);
    expect(replies).toContain('dagao  RUNNING &lt;b&gt;&amp;');
    expect(replies).toMatch(/\*Exit:\* code 0/);
  });

  it('streams the last lines into one thread message edited in place; the result keeps the tail and attaches the rest', async () => {
    e2e = await startE2E({ env: { SABESP_BIN: cli.path('sabesp'), NU_BIN: cli.path('nu') }, overrides: { progressMinIntervalMs: 50 } });
    const bot = e2e;
    cli.script('sabesp', { stdout: Array.from({ length: 30 }, (_, i) => `job-${i + 1} RUNNING`), lineDelayMs: 60 });
    await bot.command('aurora list');
    const plan = await bot.planMessage();
    await messageShowing(bot.slack, plan.ts, /Succeeded/);
    const progress = bot.slack.threadReplies(CHANNEL, plan.ts).filter((m) => /last lines of `sabesp`/.test(textOf(m)));
    expect(progress).toHaveLength(1);
    expect(progress[0]!.versions.length).toBeGreaterThanOrEqual(2);
    expect(textOf(progress[0]!)).toMatch(/job-\d+ RUNNING/);
    const result = textOf(bot.slack.threadReplies(CHANNEL, plan.ts).find((m) => /exited with code 0/.test(textOf(m)))!);
    expect(result).toContain('Output (last 15 of 30 lines; the full output is attached)');
    expect(result).toContain('job-16 RUNNING');
    expect(result).toContain('job-30 RUNNING');
    expect(result).not.toContain('job-15 RUNNING');
  });

  it('kill is destructive: nothing runs until two people other than the requester approve', async () => {
    const bot = await start();
    cli.script('sabesp', { stdout: ['killed 3 instances of itaipu-rest'] });
    await bot.command('aurora kill itaipu-rest');
    const plan = snapshot(await bot.planMessage());
    expect(textOf(plan)).toMatch(/destructive \(2 approvers\)/);
    await bot.click(plan, 'op_approve', 'UREQ');
    await waitFor(() => bot.ephemeralsFor('UREQ').find((t) => /four-eyes/.test(t)), { what: 'four-eyes refusal' });
    await bot.click(plan, 'op_approve', 'UAPP1');
    await messageShowing(bot.slack, plan.ts, /Approved by <@UAPP1>/);
    expect(cli.calls('sabesp')).toEqual([]);
    await bot.click(plan, 'op_approve', 'UAPP2');
    await messageShowing(bot.slack, plan.ts, /Succeeded/);
    expect(cli.calls('sabesp')).toEqual([['--aurora-stack=cantareira-stable', 'jobs', 'kill', 'prod', 'itaipu-rest']]);
    expect(thread(bot, plan.ts)).toContain('killed 3 instances of itaipu-rest');
  });

  it.each(['$(id)', ';rm', '`reboot`', 'a'.repeat(300), 'Dagao'])('refuses the job name %s before anything is planned or spawned', async (job) => {
    const bot = await start();
    const res = await bot.command(`aurora status ${job}`);
    expect(res.status).toBe(200);
    expect(textOf((res.json ?? {}) as never)).toMatch(/is not an aurora job name/);
    expect(bot.slack.topLevel(CHANNEL)).toHaveLength(0);
    expect(cli.calls('sabesp')).toEqual([]);
  });

  it("a non-zero exit fails the operation with the CLI's last line", async () => {
    const bot = await start();
    cli.script('sabesp', { stderr: ['error: job foo not found in prod'], exitCode: 2 });
    await bot.command('aurora status foo');
    const plan = await bot.planMessage();
    const end = await messageShowing(bot.slack, plan.ts, /Failed/);
    expect(textOf(end)).toMatch(/`sabesp` failed with exit code 2 after .*: error: job foo not found in prod/);
  });

  it('a timeout (from CLI_COMMANDS_FILE) kills the CLI and what it started, and says so', async () => {
    const file = join(cli.dir, 'commands.json');
    writeFileSync(file, JSON.stringify({ commands: { 'aurora-status': { timeout: '1s' } } }));
    const bot = await start({ CLI_COMMANDS_FILE: file });
    cli.script('sabesp', { stdout: ['connecting to aurora…'], hang: true, grandchild: true });
    await bot.command('aurora status dagao');
    const plan = await bot.planMessage();
    expect(textOf(plan)).toMatch(/\*Timeout:\* 1\.0 s/);
    const end = await messageShowing(bot.slack, plan.ts, /Failed/, 10_000);
    expect(textOf(end)).toMatch(/`sabesp` timed out after 1 s; it and everything it started were stopped/);
    expect(thread(bot, plan.ts)).toContain('connecting to aurora…');
    const [grandchild] = cli.grandchildren();
    await waitFor(() => !isAlive(grandchild!), { what: 'the grandchild to be gone' });
  });

  it('a missing binary is a clear failure and the bot keeps serving', async () => {
    const bot = await start({ SABESP_BIN: join(cli.dir, 'not-installed', 'sabesp') });
    await bot.command('aurora list');
    const plan = await bot.planMessage();
    const end = await messageShowing(bot.slack, plan.ts, /Failed/);
    expect(textOf(end)).toMatch(
      /The `sabesp` CLI was not found at `.*not-installed\/sabesp`\. Install it on the bot's host or point SABESP_BIN at it\. Nothing was run\./,
    );
    expect((await fetch(`${bot.bot.url}/healthz`)).status).toBe(200);
  });

  it('refuses to start with an invalid CLI_COMMANDS_FILE, naming the problem', async () => {
    const file = join(cli.dir, 'commands.json');
    writeFileSync(file, JSON.stringify({ commands: { 'dagao-retry': { argv: ['jobs', 'create', 'anything'] } } }));
    await expect(start({ CLI_COMMANDS_FILE: file })).rejects.toThrow(/CLI_COMMANDS_FILE .*dagao-retry: this command is fixed by the runbook/);
  });
});
