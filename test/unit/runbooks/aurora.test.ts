import pino from 'pino';
import { CliAllowList } from '../../../src/actions/cli/allow-list';
import type { StepRunContext } from '../../../src/operations/runbook';
import { checkStateOf, runStepOf } from '../../../src/operations/step-kinds';
import type { Operation, Plan, Step } from '../../../src/operations/types';
import { auroraRunbook, checkAuroraState, parseAurora, type AuroraInput } from '../../../src/runbooks/aurora';
import { runCliStep } from '../../../src/runbooks/cli-step';
import { ScriptedRunner } from '../../../src/sandbox/fakes/scripted-cli-runner';

const list = new CliAllowList();

describe('parsing /runbook aurora', () => {
  it.each([
    [['list'], { verb: 'list' }],
    [['STATUS', 'itaipu-rest'], { verb: 'status', job: 'itaipu-rest' }],
    [['kill', 'dagao'], { verb: 'kill', job: 'dagao' }],
  ])('%j', (args, value) => {
    expect(parseAurora(args)).toEqual({ ok: true, value });
  });

  it.each([
    [[], /^Give the verb: `list`, `status`, `create`, `kill`/],
    [['restart', 'x'], /^Unknown verb `restart`: use `list`/],
    [['kill'], /Give the name of the aurora job to kill/],
    [['status', '$(id)'], /`\$\(id\)` is not an aurora job name/],
    [['status', 'dagao', 'now'], /^Unexpected word after the job name: `now`/],
    [['list', 'dagao'], /`list` takes no job name/],
  ])('refuses %j', (args, error) => {
    const parsed = parseAurora(args);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});

describe('the aurora plan', () => {
  it("previews the exact command with the entry's risk", async () => {
    const runner = new ScriptedRunner();
    const plan = await auroraRunbook({ allowList: list, runner }).buildPlan(
      { verb: 'kill', job: 'dagao' },
      { logger: pino({ level: 'silent' }), now: new Date(), results: [] },
    );
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      risk: 'destructive',
      preview: [
        { label: 'Command', value: '/opt/bin/sabesp --aurora-stack=cantareira-stable jobs kill prod dagao', code: true },
        { label: 'Timeout', value: '5 min' },
      ],
    });
    expect(runner.runs).toEqual([]);
  });
});

describe('running a CLI step', () => {
  const ctx = () => {
    const progress: string[] = [];
    return { progress, ctx: { signal: new AbortController().signal, progress: (t: string) => progress.push(t) } };
  };

  it('streams an escaped tail and shows the last lines; long output is attached in full', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1} <x>`);
    const runner = new ScriptedRunner(lines);
    const { progress, ctx: c } = ctx();
    const outcome = await runCliStep(runner, list.prepare('aurora-list', {}), c);
    expect(outcome.ok).toBe(true);
    expect(outcome.summary).toBe('`sabesp` exited with code 0 in 1.2 s.');
    expect(progress[0]).toContain('line 1 &lt;x&gt;');
    const output = outcome.details!.find((d) => d.label.startsWith('Output'))!;
    expect(output.label).toBe('Output (last 15 of 40 lines; the full output is attached)');
    expect(output.value.split('\n')).toEqual(lines.slice(-15));
    expect(outcome.files).toHaveLength(1);
    expect(outcome.files![0]!.content.toString()).toBe(lines.map((l) => `${l}\n`).join(''));
  });

  it('short output is not attached', async () => {
    const outcome = await runCliStep(new ScriptedRunner(['done']), list.prepare('aurora-list', {}), ctx().ctx);
    expect(outcome.files).toBeUndefined();
  });

  it('a non-zero exit fails with the last line', async () => {
    const outcome = await runCliStep(new ScriptedRunner(['starting', 'boom: no quota'], 4), list.prepare('aurora-list', {}), ctx().ctx);
    expect(outcome).toMatchObject({ ok: false, summary: '`sabesp` failed with exit code 4 after 1.2 s: boom: no quota' });
  });
});

describe('checking an interrupted aurora command', () => {
  it('points at aurora status for commands that change something', () => {
    expect(checkAuroraState({ verb: 'kill', job: 'dagao' }).summary).toBe(
      '`sabesp` may or may not have killed `dagao`. Look with `/runbook aurora status dagao` before running it again.',
    );
    expect(checkAuroraState({ verb: 'list' }).summary).toMatch(/only reads/);
  });
});

describe('the aurora step kind (cli.aurora)', () => {
  const logger = pino({ level: 'silent' });
  const context = (step: Step, plan: Plan): StepRunContext => ({
    operation: { id: 'op-test0001', plan, results: [], approvals: [] } as unknown as Operation,
    step,
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: () => undefined,
    recordExternalId: () => Promise.resolve(),
  });
  const planFor = (runner: ScriptedRunner, input: AuroraInput) =>
    auroraRunbook({ allowList: list, runner }).buildPlan(input, { logger, now: new Date(), results: [] });

  it('runs the command and job of its stored parameters, also when stored under the old kind `cli`', async () => {
    const runner = new ScriptedRunner(['ok']);
    const rb = auroraRunbook({ allowList: list, runner });
    const plan = await planFor(runner, { verb: 'status', job: 'dagao' });
    expect(plan.steps[0]!.action).toEqual({ kind: 'cli.aurora', params: { command: 'aurora-status', job: 'dagao' } });
    const old: Step = { ...plan.steps[0]!, action: { kind: 'cli', params: { command: 'aurora-status', job: 'dagao' } } };
    expect(await runStepOf(rb, old, { verb: 'status', job: 'dagao' }, context(old, plan))).toMatchObject({ ok: true });
    expect(runner.runs.map((r) => r.args.join(' '))).toEqual(['--aurora-stack=cantareira-stable jobs status prod dagao']);
  });

  it('refuses a stored step whose job is not a job name, naming the step and the field, and runs nothing', async () => {
    const runner = new ScriptedRunner(['ok']);
    const rb = auroraRunbook({ allowList: list, runner });
    const plan = await planFor(runner, { verb: 'kill', job: 'dagao' });
    const step: Step = { ...plan.steps[0]!, action: { kind: 'cli.aurora', params: { command: 'aurora-kill', job: 'dagao; rm -rf /' } } };
    const outcome = await runStepOf(rb, step, { verb: 'kill', job: 'dagao' }, context(step, plan));
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('Step `kill` (cli.aurora) has invalid parameters: field `job`');
    expect(runner.runs).toEqual([]);
  });

  it('checks an interrupted step from its stored parameters', async () => {
    const runner = new ScriptedRunner();
    const rb = auroraRunbook({ allowList: list, runner });
    const plan = await planFor(runner, { verb: 'create', job: 'itaipu-rest' });
    const check = await checkStateOf(
      rb,
      plan.steps[0]!,
      { verb: 'create', job: 'itaipu-rest' },
      { logger, signal: new AbortController().signal, externalIds: {} },
    );
    expect(check?.summary).toBe('`sabesp` may or may not have created `itaipu-rest`. Look with `/runbook aurora status itaipu-rest` before running it again.');
    expect(runner.runs).toEqual([]);
  });
});
