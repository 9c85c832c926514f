import { CliAllowList } from '../../../src/actions/cli/allow-list';
import type { PreparedCommand } from '../../../src/actions/cli/commands';
import { CliError, ProcessCliRunner, cliEnvironment } from '../../../src/actions/cli/runner';
import { createFakeCli, isAlive, type FakeCli } from '../../../src/sandbox/fakes/fake-cli';
import { waitFor } from '../../support/wait-for';

const list = new CliAllowList();

describe('ProcessCliRunner with fake sabesp and nu executables', () => {
  let cli: FakeCli;
  let runner: ProcessCliRunner;
  beforeEach(() => {
    cli = createFakeCli();
    runner = new ProcessCliRunner({ bins: { sabesp: cli.path('sabesp'), nu: cli.path('nu') }, killGraceMs: 300, maxOutputBytes: 64 * 1024 });
  });
  afterEach(() => cli.remove());

  it('runs the exact argv (no shell: a space or $ stays inside its word) and returns output and exit code', async () => {
    cli.script('sabesp', { stdout: ['job dagao RUNNING'], stderr: ['warning: slow'], exitCode: 0 });
    const cmd: PreparedCommand = { ...list.prepare('aurora-status', { job: 'dagao' }), args: ['jobs', 'status', 'a b', '$(id)', '; rm -rf /'] };
    const r = await runner.run(cmd);
    expect(cli.calls('sabesp')).toEqual([['jobs', 'status', 'a b', '$(id)', '; rm -rf /']]);
    expect(r).toMatchObject({ exitCode: 0, ended: 'exited' });
    expect(r.output).toContain('job dagao RUNNING');
    expect(r.output).toContain('warning: slow');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a non-zero exit as such', async () => {
    cli.script('nu', { stderr: ['cycle failed: no credentials'], exitCode: 3 });
    const r = await runner.run(list.prepare('cycle-machines', {}));
    expect(r).toMatchObject({ exitCode: 3, ended: 'exited' });
    expect(r.output).toContain('no credentials');
  });

  it('streams output as it arrives', async () => {
    cli.script('sabesp', { stdout: ['one', 'two', 'three'], lineDelayMs: 50 });
    const seen: string[] = [];
    await runner.run(list.prepare('aurora-list', {}), { onOutput: (t) => seen.push(t) });
    expect(seen.join('')).toBe('one\ntwo\nthree\n');
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    cli.script('sabesp', { stdout: ['starting'], hang: true, grandchild: true });
    const r = await runner.run({ ...list.prepare('aurora-list', {}), timeoutMs: 500 });
    expect(r.ended).toBe('timeout');
    expect(r.stopReason).toMatch(/timed out after 1 s|timed out after 0 s/);
    expect(r.output).toContain('starting');
    const [grandchild] = cli.grandchildren();
    expect(grandchild).toBeDefined();
    await waitFor(() => !isAlive(grandchild!), { what: 'the grandchild to be killed' });
  });

  it('honours the abort signal', async () => {
    cli.script('sabesp', { hang: true });
    const controller = new AbortController();
    const run = runner.run(list.prepare('aurora-list', {}), { signal: controller.signal });
    await waitFor(() => cli.calls('sabesp').length === 1, { what: 'the CLI to start' });
    controller.abort(new Error('the bot is shutting down'));
    expect(await run).toMatchObject({ ended: 'aborted', stopReason: 'the bot is shutting down' });
    const already = await runner.run(list.prepare('aurora-list', {}), { signal: controller.signal });
    expect(already.ended).toBe('aborted');
    expect(cli.calls('sabesp')).toHaveLength(1);
  });

  it('stops an output flood and keeps only the cap', async () => {
    cli.script('sabesp', { floodBytes: 10 * 1024 * 1024, hang: true });
    const r = await runner.run(list.prepare('aurora-list', {}));
    expect(r.ended).toBe('flood');
    expect(r.output.length).toBeLessThanOrEqual(64 * 1024);
    expect(r.totalBytes).toBeGreaterThan(64 * 1024);
  });

  it('stops a flood whose first chunk fills the cap exactly (the next chunks must not slip by)', async () => {
    const exact = new ProcessCliRunner({ bins: { sabesp: cli.path('sabesp'), nu: cli.path('nu') }, killGraceMs: 300, maxOutputBytes: 1024 });
    cli.script('sabesp', { stdout: ['a'.repeat(1023), 'b'.repeat(1023), 'c'.repeat(1023)], lineDelayMs: 50, hang: true });
    const r = await exact.run(list.prepare('aurora-list', {}));
    expect(r.ended).toBe('flood');
    expect(r.output).toBe(`${'a'.repeat(1023)}\n`);
  });

  it('a missing binary is a typed error with what to fix', async () => {
    const missing = new ProcessCliRunner({ bins: { sabesp: `${cli.dir}/nope/sabesp`, nu: 'nu-not-installed-here' } });
    await expect(missing.run(list.prepare('aurora-list', {}))).rejects.toThrow(CliError);
    await expect(missing.run(list.prepare('aurora-list', {}))).rejects.toThrow(/`sabesp` CLI was not found at `.*nope\/sabesp`.*SABESP_BIN/);
    await expect(missing.run(list.prepare('cycle-machines', {}))).rejects.toMatchObject({ code: 'missing_binary', message: expect.stringMatching(/NU_BIN/) });
  });

  it("never hands the bot's secrets to the CLIs", () => {
    const env = cliEnvironment({ PATH: '/bin', SLACK_BOT_TOKEN: 'xoxb-1', GOCD_TOKEN: 't', AWS_REGION: 'us-east-1' });
    expect(env).toEqual({ PATH: '/bin', AWS_REGION: 'us-east-1' });
  });
});
