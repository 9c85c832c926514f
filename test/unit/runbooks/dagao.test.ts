import pino from 'pino';
import { z } from 'zod';
import type { AirflowActions, DagRun, TaskInstance, TaskLog } from '../../../src/actions/airflow/airflow-actions';
import { CliAllowList } from '../../../src/actions/cli/allow-list';
import type { GoCdActions, GoCdRun } from '../../../src/actions/gocd/gocd-actions';
import { BackendError } from '../../../src/actions/http/errors';
import type { Alarm } from '../../../src/alarms/types';
import type { AnyRunbook, Runbook, StepRunContext } from '../../../src/operations/runbook';
import type { Operation, Step, StepResult } from '../../../src/operations/types';
import { checkStateOf, runStepOf } from '../../../src/operations/step-kinds';
import { dagaoRunbook, parseDagao, type DagaoDeps } from '../../../src/runbooks/dagao';
import { classifyFailure } from '../../../src/runbooks/dagao/diagnosis';
import { txOrigin, type DagaoInput } from '../../../src/runbooks/dagao/input';
import { findTransaction } from '../../../src/runbooks/dagao/transaction';
import { messageText } from '../../../src/slack/channel-history';
import { ScriptedRunner } from '../../../src/sandbox/fakes/scripted-cli-runner';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';

/** Airflow in memory: runs, failed tasks and logs the test sets; no network. */
class MemoryAirflow implements AirflowActions {
  readonly baseUrl = 'https://airflow.example.test';
  runs: DagRun[] = [];
  tasks: Record<string, TaskInstance[]> = {};
  logs: Record<string, string> = {};
  fail?: BackendError;
  logFail?: BackendError;
  apiUrl(path: string): string {
    return `${this.baseUrl}/api/v1${path}`;
  }
  listDagRuns(_dagId: string, options: { limit?: number } = {}): Promise<DagRun[]> {
    if (this.fail) return Promise.reject(this.fail);
    return Promise.resolve(this.runs.slice(0, options.limit ?? 5));
  }
  getDagRun(_dagId: string, id: string): Promise<DagRun> {
    const run = this.runs.find((r) => r.dagRunId === id);
    return run ? Promise.resolve(run) : Promise.reject(new BackendError('Airflow', 'http_status', 'Airflow answered 404', 404));
  }
  listTaskInstances(_dagId: string, runId: string): Promise<TaskInstance[]> {
    return Promise.resolve(this.tasks[runId] ?? []);
  }
  getTaskLog(_dagId: string, runId: string, taskId: string, tryNumber: number): Promise<TaskLog> {
    if (this.logFail) return Promise.reject(this.logFail);
    return Promise.resolve({ taskId, tryNumber, excerpt: this.logs[`${runId}/${taskId}`] ?? '', truncated: false });
  }
  clearTaskInstances(): Promise<never> {
    throw new Error('the dagão runbook never clears tasks');
  }
  setTaskInstanceState(): Promise<never> {
    throw new Error('the dagão runbook never sets task states');
  }
}

const run = (id: string, state: DagRun['state'], end = '2026-11-24T03:00:00+00:00'): DagRun => ({
  dagId: 'dagao',
  dagRunId: id,
  state,
  startDate: '2026-11-24T00:00:00+00:00',
  endDate: end,
  conf: {},
});
const failedTask = (runId: string, taskId: string): TaskInstance => ({ dagId: 'dagao', dagRunId: runId, taskId, state: 'failed', tryNumber: 1 });

const gocd = (runs: GoCdRun[]): GoCdActions => ({
  historyPageUrl: (p) => `https://go.example.test/go/tab/pipeline/history/${p}`,
  pipelineHistory: () => Promise.resolve([]),
  runningRuns: () => Promise.resolve([]),
  runsSince: () => Promise.resolve(runs),
});

function setup(extra: Partial<DagaoDeps> = {}, registry: Map<string, AnyRunbook> = new Map()) {
  const airflow = new MemoryAirflow();
  const runner = new ScriptedRunner(['ok']);
  const runbook = dagaoRunbook({
    airflow,
    gocd: gocd([
      {
        pipeline: 'itaipu',
        counter: 412,
        label: '412',
        state: 'passed',
        scheduledAt: '2026-11-23T23:00:00Z',
        stages: [],
        commits: [],
        commit: { revision: '6c957ed851d82103e2b151b04aa8a5ede042c3c5', author: 'Jane <j@x>', message: 'Add contracts' },
      },
    ]),
    history: { recentMessages: () => Promise.resolve([]) },
    allowList: new CliAllowList(),
    runner,
    dagId: 'dagao',
    pipelines: ['itaipu'],
    runbooks: () => registry,
    pollMs: 1,
    appearWithinMs: 50,
    ...extra,
  });
  return { airflow, runner, runbook };
}

const planCtx = (results: StepResult[] = []) => ({ logger: pino({ level: 'silent' }), now: new Date('2026-11-24T08:00:00Z'), results });
const result = (stepId: string, externalIds: Record<string, string> = {}, outcome: StepResult['outcome'] = 'succeeded'): StepResult => ({
  stepId,
  attempt: 1,
  outcome,
  summary: '',
  details: [],
  externalIds,
  startedAt: '',
  finishedAt: '',
  durationMs: 1,
});
const stepCtx = (results: StepResult[], channel = 'CDATAENG'): StepRunContext & { progressed: string[] } => {
  const progressed: string[] = [];
  return {
    operation: { results, location: { channel } } as unknown as Operation,
    step: undefined as never,
    attempt: 1,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    progress: (t) => progressed.push(t),
    recordExternalId: () => Promise.resolve(),
    progressed,
  };
};
const input = (over: Partial<DagaoInput> = {}): DagaoInput => ({ from: 'status', nodes: 30, ...over });

describe('parsing /runbook dagao', () => {
  it.each([
    [['status'], { from: 'status', nodes: 30 }],
    [['retry', '--tx', TX.toUpperCase()], { from: 'retry', nodes: 30, tx: TX }],
    [['scale', '40', '--tx', TX], { from: 'scale', nodes: 40, tx: TX }],
    [['STATUS', '--nodes', '12'], { from: 'status', nodes: 12 }],
  ])('%j', (args, value) => expect(parseDagao(args)).toEqual({ ok: true, value }));

  it.each([
    [[], /^Give the step: `status`/],
    [['restart'], /^Unknown step `restart`: use `status`/],
    [['scale'], /Give the number of nodes/],
    [['scale', '-3'], /`-3` is not a number of nodes between 1 and 200/],
    [['scale', '201'], /not a number of nodes/],
    [['scale', '4;reboot'], /not a number of nodes/],
    [['status', '--tx'], /`--tx` needs a value: the transaction id/],
    [['status', '--tx', '$(id)'], /`\$\(id\)` is not a transaction id/],
    [['status', '--tx', `${TX}\nrm`], /is not a transaction id/],
    [['retry', 'now'], /`now` is not a number of nodes/],
    [['retry', '40'], /Unexpected `40` after `retry`: only `scale` takes a number of nodes/],
    [['scale', '4', '--nodes', '5'], /`--nodes` does not go with `scale`/],
  ])('refuses %j', (args, error) => {
    const parsed = parseDagao(args);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});

describe('claiming alarms', () => {
  const base = { key: 'airflow:dagao', source: { channel: 'C1', ts: '1.1' } };
  const { runbook } = setup();
  it('claims a dagão task failure, with its run and transaction', () => {
    const alarm: Alarm = {
      ...base,
      kind: 'airflow-task-failure',
      dagId: 'dagao',
      taskId: 'itaipu-rest',
      runId: 'scheduled__x',
      transactionId: TX.toUpperCase(),
      state: 'ALARM',
    };
    expect(runbook.fromAlarm!(alarm)).toEqual({ from: 'status', nodes: 30, tx: TX, txSource: 'alarm', runId: 'scheduled__x' });
  });
  it('says the transaction came from the alarm post, not from --tx', async () => {
    const input = runbook.fromAlarm!({ ...base, kind: 'airflow-task-failure', dagId: 'dagao', transactionId: TX, state: 'ALARM' })!;
    expect(txOrigin(input)).toBe('named in the alarm post');
    expect(txOrigin({ ...input, txSource: undefined })).toBe('given with --tx');
    const plan = await runbook.buildPlan(input, { logger: pino({ level: 'silent' }), now: new Date(), results: [] });
    expect(plan.steps.find((s) => s.id === 'transaction')!.preview[0]!.value).toBe(`named in the alarm post: ${TX}`);
  });
  it('leaves other DAGs, recoveries, bad transaction ids and other alarms alone', () => {
    expect(runbook.fromAlarm!({ ...base, kind: 'airflow-task-failure', dagId: 'other', state: 'ALARM' })).toBeUndefined();
    expect(runbook.fromAlarm!({ ...base, kind: 'airflow-task-failure', dagId: 'dagao', state: 'OK' })).toBeUndefined();
    expect(runbook.fromAlarm!({ ...base, kind: 'airflow-task-failure', dagId: 'dagao', state: 'ALARM', transactionId: '$(id)' })).toEqual({
      from: 'status',
      nodes: 30,
    });
    expect(runbook.fromAlarm!({ ...base, kind: 'cloudwatch', name: 'dagao', state: 'ALARM' })).toBeUndefined();
  });
});

describe('finding the transaction and judging the errors', () => {
  it('takes the newest message that names a transaction', () => {
    const other = '11111111-2222-4333-8444-555555555555';
    expect(
      findTransaction([
        { ts: '3', text: `deploy ${other} done` },
        { ts: '2', text: `metapod_transaction=${TX.toUpperCase()}` },
        { ts: '1', text: `transaction ${other}` },
      ]),
    ).toEqual({ tx: TX, ts: '2' });
    expect(findTransaction([{ ts: '1', text: `transaction for ${other} and ${TX}` }])).toBeUndefined();
    expect(findTransaction([{ ts: '1', text: 'no ids here' }])).toBeUndefined();
  });
  it('reads text from attachments and blocks too', () => {
    expect(messageText({ text: 'Task failed', attachments: [{ fallback: `Transaction: ${TX}`, fields: [{ title: 'DAG', value: 'dagao' }] }] })).toContain(
      `Transaction: ${TX}`,
    );
  });
  it('is generic only when every failed task shows a generic error', () => {
    expect(classifyFailure([{ excerpt: 'java.net.SocketException: Connection reset' }, { excerpt: 'FileNotFoundException: s3://x' }])).toEqual({
      verdict: 'generic',
      seen: ['connection reset', 'file not found'],
    });
    expect(classifyFailure([{ excerpt: 'Connection reset' }, { excerpt: 'AnalysisException: cannot resolve column amount' }]).verdict).toBe('specific');
    expect(classifyFailure([]).verdict).toBe('unknown');
  });
});

describe('the ladder plan', () => {
  const ids = async (runbook: Runbook<DagaoInput>, i: DagaoInput, results: StepResult[] = []) =>
    (await runbook.buildPlan(i, planCtx(results))).steps.map((s) => `${s.id}:${s.risk}`);

  it('offers the whole ladder from status, a part of it from a later rung', async () => {
    const { runbook } = setup();
    expect(await ids(runbook, input())).toEqual([
      'diagnose:read-only',
      'transaction:read-only',
      'cycle:destructive',
      'retry-1:mutating',
      'check-1:read-only',
      'scale:mutating',
      'retry-2:mutating',
      'check-2:read-only',
      'rollback:read-only',
    ]);
    expect(await ids(runbook, input({ from: 'scale' }))).toEqual([
      'diagnose:read-only',
      'transaction:read-only',
      'scale:mutating',
      'retry-2:mutating',
      'check-2:read-only',
      'rollback:read-only',
    ]);
  });

  it('drops the ladder when nothing failed, and the rest of it once a retry recovered the dagão', async () => {
    const { runbook } = setup();
    expect(await ids(runbook, input(), [result('diagnose', { dagRunState: 'success' })])).toEqual(['diagnose:read-only', 'transaction:read-only']);
    const recovered = [
      result('diagnose', { dagRunState: 'failed' }),
      result('transaction', { transactionId: TX }),
      result('cycle'),
      result('retry-1', { dagRunState: 'success' }),
    ];
    expect(await ids(runbook, input(), recovered)).toEqual([
      'diagnose:read-only',
      'transaction:read-only',
      'cycle:destructive',
      'retry-1:mutating',
      'check-1:read-only',
    ]);
  });

  it('shows the transaction found by the earlier step in the retry preview, and binds the approval to it', async () => {
    const { runbook } = setup();
    const before = await runbook.buildPlan(input(), planCtx([result('diagnose', { dagRunState: 'failed' })]));
    const after = await runbook.buildPlan(input(), planCtx([result('diagnose', { dagRunState: 'failed' }), result('transaction', { transactionId: TX })]));
    const retry = after.steps.find((s) => s.id === 'retry-1')!;
    expect(retry.preview[0]!.value).toBe(
      `/opt/bin/sabesp --verbose --aurora-stack=cantareira-stable jobs create prod dagao --filename dagao profile.metapod_transaction=${TX}`,
    );
    expect(after.facts.tx).toBe(TX);
    expect(before.fingerprint).not.toBe(after.fingerprint);
  });

  it('refuses to plan without AIRFLOW_URL', async () => {
    const { runbook } = setup({ airflow: undefined });
    await expect(runbook.buildPlan(input(), planCtx())).rejects.toThrow(/`AIRFLOW_URL` is not configured/);
  });
});

describe('running the dagão steps', () => {
  it('diagnoses a failed run: tasks, log excerpts, verdict, deploys before the failure', async () => {
    const { runbook, airflow } = setup();
    airflow.runs = [run('scheduled__1', 'failed')];
    airflow.tasks['scheduled__1'] = [failedTask('scheduled__1', 'itaipu-contracts')];
    airflow.logs['scheduled__1/itaipu-contracts'] = 'ERROR Caused by: java.net.SocketTimeoutException: Read timed out';
    const plan = await runbook.buildPlan(input(), planCtx());
    const outcome = await runStepOf(runbook, plan.steps[0]!, input(), stepCtx([]));
    expect(outcome.summary).toBe('Run scheduled__1 failed at itaipu-contracts: the errors look generic.');
    expect(outcome.externalIds).toMatchObject({ dagRunId: 'scheduled__1', dagRunState: 'failed', verdict: 'generic', suspectDeploy: 'itaipu#412' });
    const text = outcome.details!.map((d) => `${d.label}: ${d.value}`).join('\n');
    expect(text).toContain('Read timed out');
    expect(text).toMatch(/itaipu #412 passed, 2026-11-23 23:00 UTC \(4\.0 h before the failure\) 6c957ed by Jane: Add contracts/);
    expect(outcome.files![0]!.content.toString()).toContain('SocketTimeoutException');
  });

  it('a log that cannot be read is shown with the reason and never judged as a log', async () => {
    const { runbook, airflow } = setup();
    airflow.runs = [run('scheduled__1', 'failed')];
    airflow.tasks['scheduled__1'] = [failedTask('scheduled__1', 'itaipu-contracts')];
    // A message that would match the generic-error patterns if it were read as the log.
    airflow.logFail = new BackendError('Airflow', 'timeout', 'Airflow did not answer within 30 s (timeout).');
    const plan = await runbook.buildPlan(input(), planCtx());
    const outcome = await runStepOf(runbook, plan.steps[0]!, input(), stepCtx([]));
    expect(outcome.externalIds).toMatchObject({ verdict: 'unknown' });
    expect(outcome.details!.map((d) => d.value).join('\n')).toContain('(log unavailable: Airflow did not answer within 30 s (timeout).)');
  });

  it("an unreachable Airflow fails the diagnosis with the adapter's message", async () => {
    const { runbook, airflow } = setup();
    airflow.fail = new BackendError('Airflow', 'connection_refused', 'Could not connect to Airflow at https://airflow.example.test: connection refused.');
    const plan = await runbook.buildPlan(input(), planCtx());
    expect(await runStepOf(runbook, plan.steps[0]!, input(), stepCtx([]))).toMatchObject({
      ok: false,
      summary: 'Could not read the dagão from Airflow: Could not connect to Airflow at https://airflow.example.test: connection refused.',
    });
  });

  it('a retry whose run never shows up in Airflow is a failure that says where to look', async () => {
    const { runbook, airflow, runner } = setup();
    airflow.runs = [run('scheduled__1', 'failed')];
    const results = [result('diagnose', { dagRunState: 'failed' }), result('transaction', { transactionId: TX })];
    const plan = await runbook.buildPlan(input({ from: 'retry' }), planCtx(results));
    const outcome = await runStepOf(runbook, plan.steps[2]!, input({ from: 'retry' }), stepCtx(results));
    expect(runner.runs.map((r) => r.args.at(-1))).toEqual([`profile.metapod_transaction=${TX}`]);
    expect(outcome).toMatchObject({
      ok: false,
      summary: expect.stringMatching(/no new run of dagao appeared in Airflow within .*`\/runbook aurora status dagao`/),
    });
  });

  it('the last rung hands over to a registered rollback runbook as a follow-up', async () => {
    const rollback: Runbook<{ service: string }> = {
      name: 'rollback',
      title: 'Rollback',
      usage: [],
      inputSchema: z.object({ service: z.string() }),
      parse: (args) => ({ ok: true, value: { service: args[0]! } }),
      buildPlan: () => Promise.reject(new Error('not in this test')),
      steps: [],
    };
    const { runbook } = setup({}, new Map([['rollback', rollback as AnyRunbook]]));
    const results = [
      result('diagnose', { dagRunState: 'failed', suspectDeploy: 'itaipu#412' }),
      result('transaction', { transactionId: TX }),
      result('retry-2', { dagRunState: 'failed' }),
      result('check-2'),
    ];
    const plan = await runbook.buildPlan(input({ from: 'rollback' }), planCtx(results));
    const step = plan.steps.find((s) => s.id === 'rollback')!;
    expect(step.preview[0]!.value).toMatch(/proposes `\/runbook rollback itaipu`/);
    const outcome = await runStepOf(runbook, step, input({ from: 'rollback' }), stepCtx(results));
    expect(outcome.followUp).toEqual({
      runbook: 'rollback',
      input: { service: 'itaipu' },
      why: expect.stringMatching(/roll back itaipu \(deploy itaipu#412.*`\/runbook dagao retry --tx f7832a01/),
    });
  });

  it('without a rollback runbook, the last rung explains the manual rollback', async () => {
    const { runbook } = setup();
    const results = [result('diagnose', { dagRunState: 'failed', suspectDeploy: 'itaipu#412' }), result('transaction', { transactionId: TX })];
    const plan = await runbook.buildPlan(input({ from: 'rollback' }), planCtx(results));
    const outcome = await runStepOf(runbook, plan.steps[2]!, input({ from: 'rollback' }), stepCtx(results));
    expect(outcome.followUp).toBeUndefined();
    expect(outcome.summary).toMatch(
      /^Roll back by hand: itaipu \(deploy itaipu#412, .*history: https:\/\/go\.example\.test\/go\/tab\/pipeline\/history\/itaipu\).*`\/runbook dagao retry --tx f7832a01/,
    );
  });

  it('a channel the bot cannot read: the transaction step says to use --tx', async () => {
    const { runbook } = setup({ history: { recentMessages: () => Promise.reject(new Error('Slack answered missing_scope')) } });
    const results = [result('diagnose', { dagRunState: 'failed' })];
    const plan = await runbook.buildPlan(input(), planCtx(results));
    expect(await runStepOf(runbook, plan.steps[1]!, input(), stepCtx(results))).toMatchObject({
      ok: false,
      summary: expect.stringMatching(
        /Could not read this channel's recent messages \(Slack answered missing_scope\)\. Start again with `\/runbook dagao status --tx/,
      ),
    });
  });
});

describe('checking an interrupted dagão step (read-only)', () => {
  const signal = new AbortController().signal;
  const results = [result('diagnose', { dagRunState: 'failed' }), result('transaction', { transactionId: TX })];
  const stepOf = async (runbook: Runbook<DagaoInput>, id: string, from: DagaoInput['from'] = 'status'): Promise<Step> =>
    (await runbook.buildPlan(input({ from }), planCtx(results))).steps.find((s) => s.id === id)!;
  const check = (runbook: Runbook<DagaoInput>, step: Step, externalIds: Record<string, string> = {}) =>
    checkStateOf(runbook, step, input(), { logger: pino({ level: 'silent' }), signal, externalIds });

  it('looks up the run a retry recorded', async () => {
    const { runbook, airflow } = setup();
    airflow.runs = [run('manual__r1', 'running'), run('scheduled__1', 'failed')];
    await expect(check(runbook, await stepOf(runbook, 'retry-1'), { dagRunId: 'manual__r1' })).resolves.toMatchObject({
      ok: true,
      summary: 'The retry had started run manual__r1; it is now running.',
    });
  });

  it('without a recorded run, says sabesp may or may not have started one and lists the latest runs', async () => {
    const { runbook, airflow } = setup();
    airflow.runs = [run('scheduled__1', 'failed')];
    await expect(check(runbook, await stepOf(runbook, 'retry-2'))).resolves.toMatchObject({
      summary: expect.stringMatching(/may or may not have started one\. Latest runs of dagao: scheduled__1 \(failed\)/),
    });
  });

  it('says where to look for the CLI rungs, also for a step stored under the old kind `cli`', async () => {
    const { runbook } = setup();
    const scale = await stepOf(runbook, 'scale');
    expect(scale.action.kind).toBe('cli.scale-cluster');
    const old: Step = { ...scale, action: { ...scale.action, kind: 'cli' } };
    await expect(check(runbook, old)).resolves.toMatchObject({ summary: expect.stringMatching(/`\/runbook aurora status scale`/) });
    const cycle = await stepOf(runbook, 'cycle');
    await expect(check(runbook, { ...cycle, action: { ...cycle.action, kind: 'cli' } })).resolves.toMatchObject({
      summary: expect.stringMatching(/^Cycling machines cannot be checked from the bot/),
    });
  });

  it('says a read-only step changes nothing', async () => {
    const { runbook } = setup();
    await expect(check(runbook, await stepOf(runbook, 'diagnose'))).resolves.toMatchObject({
      summary: 'This step only reads; running it again changes nothing.',
    });
  });
});

describe('the dagão step kinds', () => {
  const results = [result('diagnose', { dagRunState: 'failed' }), result('transaction', { transactionId: TX })];
  const runWith = (runbook: Runbook<DagaoInput>, step: Step, inp: DagaoInput) => runStepOf(runbook, step, inp, { ...stepCtx(results), step });

  it('writes one kind per step, and runs a step stored under the old kind `cli` by its command', async () => {
    const { runbook, runner, airflow } = setup();
    airflow.runs = [run('scheduled__1', 'failed')];
    const plan = await runbook.buildPlan(input({ from: 'status' }), planCtx(results));
    expect(plan.steps.map((s) => s.action.kind)).toEqual([
      'dagao.diagnose',
      'dagao.transaction',
      'cli.cycle-machines',
      'cli.dagao-retry',
      'dagao.check',
      'cli.scale-cluster',
      'cli.dagao-retry',
      'dagao.check',
      'dagao.rollback',
    ]);
    const scale = plan.steps.find((s) => s.id === 'scale')!;
    const old: Step = { ...scale, action: { ...scale.action, kind: 'cli' } };
    expect(await runWith(runbook, old, input())).toMatchObject({ ok: true });
    expect(runner.runs.map((r) => r.name)).toEqual(['scale-cluster']);
    expect(runner.runs[0]!.params).toMatchObject({ nodes: '30' });
  });

  it('refuses a stored scale step whose node count is not a number, naming the step and the field, and runs nothing', async () => {
    const { runbook, runner } = setup();
    const plan = await runbook.buildPlan(input({ from: 'scale' }), planCtx(results));
    const scale = plan.steps.find((s) => s.id === 'scale')!;
    const bad: Step = { ...scale, action: { kind: 'cli.scale-cluster', params: { ...scale.action.params, nodes: '30; reboot' } } };
    const outcome = await runWith(runbook, bad, input({ from: 'scale' }));
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('Step `scale` (cli.scale-cluster) has invalid parameters: field `nodes`');
    expect(runner.runs).toEqual([]);
  });

  it('refuses a stored retry whose transaction is not a UUID, and submits nothing', async () => {
    const { runbook, runner } = setup();
    const plan = await runbook.buildPlan(input({ from: 'retry' }), planCtx(results));
    const retry = plan.steps.find((s) => s.id === 'retry-1')!;
    expect(retry.action.params).toEqual({ command: 'dagao-retry', transaction: TX });
    const bad: Step = { ...retry, action: { kind: 'cli', params: { command: 'dagao-retry', transaction: 'latest' } } };
    const outcome = await runWith(runbook, bad, input({ from: 'retry' }));
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('Step `retry-1` (cli) has invalid parameters: ');
    expect(outcome.summary).toContain('as cli.dagao-retry, field `transaction`');
    expect(runner.runs).toEqual([]);
  });
});
