import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { AirflowActions, DagRun, TaskInstance } from '../../../src/actions/airflow/airflow-actions';
import { BackendError } from '../../../src/actions/http/errors';
import type { GitHubActions } from '../../../src/actions/github/github-actions';
import type { SonarActions } from '../../../src/actions/sonar/sonar-actions';
import type { Alarm } from '../../../src/alarms/types';
import { UserFacingError } from '../../../src/operations/runbook';
import type { StepResult } from '../../../src/operations/types';
import { buildFailureRunbook, parseBuildFailure, type BuildFailureDeps } from '../../../src/runbooks/build-failure';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const RUN = 'scheduled__2026-11-24T03:00:00+00:00';
const MAIN_PY = readFileSync(join(__dirname, '../../fixtures/aurora-jobs-main.py'), 'utf8');
const ctx = (results: StepResult[] = []) => ({ logger: pino({ level: 'silent' }), now: new Date('2026-11-24T05:00:00Z'), results });

/** In-memory adapters behind our interfaces: reads only; any write fails the test. */
function deps(options: {
  names?: string[] | undefined;
  tasks?: Record<string, string>;
  runs?: DagRun[];
  github?: boolean;
  policyModels?: string[];
  airflow?: boolean;
}): BuildFailureDeps {
  const sonar: SonarActions = {
    url: 'http://sonar',
    uncommittedDatasets: () => Promise.resolve('names' in options ? options.names : ['model/fx-model']),
    transactionDatasets: () => Promise.resolve(undefined),
  };
  const tasks = options.tasks ?? { 'fx-model': 'failed', 'databricks_load-models': 'upstream_failed' };
  const runs = options.runs ?? [{ dagId: 'dagao', dagRunId: RUN, state: 'running', conf: { profile: { metapod_transaction: TX } } }];
  const nope = () => Promise.reject(new Error('a write in a unit test'));
  const airflow: AirflowActions = {
    baseUrl: 'http://airflow',
    apiUrl: (p) => `http://airflow/api/v1${p}`,
    listDagRuns: () => Promise.resolve(runs),
    getDagRun: (_d, id) => {
      const run = runs.find((r) => r.dagRunId === id);
      return run ? Promise.resolve(run) : Promise.reject(Object.assign(new Error('404'), { status: 404 }));
    },
    listTaskInstances: (dagId, dagRunId, o) =>
      Promise.resolve(
        Object.entries(tasks)
          .filter(([, s]) => !o?.states || (o.states as string[]).includes(s))
          .map(([taskId, state]): TaskInstance => ({ dagId, dagRunId, taskId, state: state as TaskInstance['state'], tryNumber: 1 })),
      ),
    getTaskLog: nope,
    clearTaskInstances: (dagId, r) =>
      r.dryRun
        ? Promise.resolve(
            Object.keys(tasks)
              .filter((t) => tasks[t] !== 'success')
              .map((taskId) => ({ dagId, taskId })),
          )
        : nope(),
    setTaskInstanceState: (dagId, r) => (r.dryRun ? Promise.resolve([{ dagId, taskId: r.taskId }]) : nope()),
  };
  const github: GitHubActions = {
    fileUrl: () => 'http://github/file',
    defaultBranch: () => Promise.resolve('master'),
    getFile: (_repo, path) => Promise.resolve({ path, content: MAIN_PY, sha: 'abc' }),
    branchHead: nope,
    createBranch: nope,
    updateFile: nope,
    createPullRequest: nope,
    findOpenPullRequest: nope,
  };
  return {
    sonar,
    airflow: options.airflow === false ? undefined : airflow,
    github: options.github === false ? undefined : github,
    settings: {
      defaultDagId: 'dagao',
      dagaoDagId: 'dagao',
      itaipuRepo: 'nubank/itaipu',
      itaipuDatasetsFile: 'Itaipu.scala',
      auroraJobsRepo: 'nubank/aurora-jobs',
      auroraJobsDagFile: 'airflow/main.py',
      policyModels: options.policyModels,
    },
  };
}

const stepIds = (plan: { steps: { id: string }[] }) => plan.steps.map((s) => s.id);
const text = (plan: { summary: string; steps: { preview: { value: string }[] }[] }) =>
  [plan.summary, ...plan.steps.flatMap((s) => s.preview.map((p) => p.value))].join('\n');

describe('parsing /runbook build-failure', () => {
  it('accepts a transaction id and the options, normalised', () => {
    expect(parseBuildFailure([TX.toUpperCase(), '--only', 'dataset/FX-Model', '--run', RUN, '--dag', 'nightly'])).toEqual({
      ok: true,
      value: { transactionId: TX, only: 'fx-model', dagRunId: RUN, dagId: 'nightly' },
    });
  });
  it.each([
    [[], /Give the transaction id/],
    [['not-a-uuid'], /is not a transaction id/],
    [[TX, '--force'], /^Unknown option `--force`: use `--run`, `--dag` or `--only`\.$/],
    [[TX, '--dag', '..'], /`\.\.` is not an Airflow DAG id: `\.` and `\.\.` are not names/],
    [[TX, '--only=dataset/..'], /is not a dataset or model name/],
    [[TX, '--run'], /needs a value/],
    [[TX, '--run', 'a b;rm'], /is not an Airflow DAG run id/],
    [[TX, '--only', 'a', '--only', 'b'], /given twice/],
  ])('refuses %j', (args, error) => {
    const result = parseBuildFailure(args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(error);
  });
});

describe('claiming Airflow failure alarms', () => {
  const runbook = buildFailureRunbook(deps({}));
  const alarm = (over: Partial<Alarm & { kind: 'airflow-task-failure' }>): Alarm => ({
    kind: 'airflow-task-failure',
    dagId: 'models-nightly',
    runId: RUN,
    taskId: 'fx-model',
    transactionId: TX,
    state: 'ALARM',
    key: 'k',
    source: { channel: 'C', ts: '1.2' },
    ...over,
  });
  it('claims a build task failure that names a transaction, with its DAG and run', () => {
    expect(runbook.fromAlarm!(alarm({}))).toEqual({ transactionId: TX, dagId: 'models-nightly', dagRunId: RUN });
  });
  it('leaves the dagão, alarms without a transaction, recoveries and other alarms alone', () => {
    expect(runbook.fromAlarm!(alarm({ dagId: 'dagao' }))).toBeUndefined();
    expect(runbook.fromAlarm!(alarm({ transactionId: undefined }))).toBeUndefined();
    expect(runbook.fromAlarm!(alarm({ state: 'OK' }))).toBeUndefined();
    expect(runbook.fromAlarm!({ kind: 'cloudwatch', name: 'x', state: 'ALARM', key: 'k', source: { channel: 'C', ts: '1' } })).toBeUndefined();
  });
});

describe('the build-failure plan', () => {
  it('for a non-policy model: lookup, pull request, Airflow bypass, reminder; facts bind the target and the file', async () => {
    const plan = await buildFailureRunbook(deps({})).buildPlan({ transactionId: TX }, ctx());
    expect(stepIds(plan)).toEqual(['lookup', 'pull-request', 'airflow', 'remind-deploy']);
    expect(plan.steps.map((s) => s.risk)).toEqual(['read-only', 'mutating', 'mutating', 'read-only']);
    expect(plan.facts).toMatchObject({
      transactionId: TX,
      dagRunId: RUN,
      target: { base: 'fx-model', failed: 'model' },
      critical: false,
      file: { sha: 'abc' },
    });
    expect(plan.steps[2]!.action.params).toMatchObject({ mark: ['fx-model'], clear: ['databricks_load-models'] });
  });

  it('for a policy model named by POLICY_MODELS: the lookup only, with the refusal', async () => {
    const plan = await buildFailureRunbook(deps({ policyModels: ['fx-model'] })).buildPlan({ transactionId: TX }, ctx());
    expect(stepIds(plan)).toEqual(['lookup']);
    expect(plan.summary).toMatch(/is a \*policy model\*.*no bypass/);
    expect(text(plan)).toContain('(from `POLICY_MODELS` (configuration))');
  });

  it('without any policy model list: no bypass, and says how to fix that', async () => {
    const plan = await buildFailureRunbook(deps({ github: false })).buildPlan({ transactionId: TX }, ctx());
    expect(stepIds(plan)).toEqual(['lookup']);
    expect(plan.summary).toMatch(/GitHub is not configured.*set `POLICY_MODELS`/);
  });

  it('several failures: asks to handle them one at a time', async () => {
    const plan = await buildFailureRunbook(deps({ names: ['model/a', 'model/b'], tasks: {} })).buildPlan({ transactionId: TX }, ctx());
    expect(stepIds(plan)).toEqual(['lookup']);
    expect(plan.summary).toContain(`/runbook build-failure ${TX} --only <name>`);
  });

  it('keeps handling the failure chosen at the start even when Airflow no longer shows it failed', async () => {
    const names = ['model/a', 'model/b', 'model/fx-model', 'model/c', 'model/d'];
    const runbook = buildFailureRunbook(deps({ names, tasks: { 'fx-model': 'success' } }));
    const lookup: StepResult = {
      stepId: 'lookup',
      attempt: 1,
      outcome: 'succeeded',
      summary: 's',
      details: [],
      externalIds: { target: 'fx-model', airflowDagRunId: RUN },
      startedAt: '',
      finishedAt: '',
      durationMs: 1,
    };
    expect(stepIds(await runbook.buildPlan({ transactionId: TX }, ctx()))).toEqual(['lookup']);
    const plan = await runbook.buildPlan({ transactionId: TX }, ctx([lookup]));
    expect(stepIds(plan)).toEqual(['lookup', 'pull-request', 'airflow', 'remind-deploy']);
    expect(plan.steps[0]!.preview[0]).toEqual({ label: 'Result', value: 's' });
  });

  it('without an Airflow run of the transaction: no Airflow step, and says to pass --run', async () => {
    const plan = await buildFailureRunbook(deps({ runs: [{ dagId: 'dagao', dagRunId: 'other', state: 'success', conf: {} }] })).buildPlan(
      { transactionId: TX },
      ctx(),
    );
    expect(stepIds(plan)).toEqual(['lookup', 'pull-request', 'remind-deploy']);
    expect(text(plan)).toMatch(/None of the 1 latest runs .* `--run <dag-run-id>`/);
  });

  it('for a dataset: asks first; an unreadable itaipu file means no PR, said in the verdict', async () => {
    const d = deps({ names: ['dataset/fx-model', 'model/fx-model'], tasks: { 'itaipu-fx-model': 'failed', 'fx-model': 'upstream_failed' } });
    const github = d.github!;
    d.github = {
      ...github,
      getFile: (repo, path, ref) =>
        path === 'Itaipu.scala' ? Promise.reject(new BackendError('GitHub', 'http_status', 'GitHub answered 404', 404)) : github.getFile(repo, path, ref),
    };
    const plan = await buildFailureRunbook(d).buildPlan({ transactionId: TX }, ctx());
    expect(stepIds(plan)).toEqual(['lookup', 'confirm-non-critical', 'airflow', 'remind-deploy']);
    expect(plan.steps[1]!).toMatchObject({ action: { kind: 'build-failure.confirm' }, gate: { type: 'confirmation', button: 'Not business critical' } });
    expect(plan.steps[2]!.action.params).toMatchObject({ mark: ['itaipu-fx-model', 'fx-model'] });
    expect(text(plan)).toContain('No pull request is proposed: could not read Itaipu.scala from nubank/itaipu: GitHub answered 404');
  });

  it('refuses clearly when Sonar is not configured or does not know the transaction', async () => {
    await expect(buildFailureRunbook({ ...deps({}), sonar: undefined }).buildPlan({ transactionId: TX }, ctx())).rejects.toThrow(
      /`SONAR_URL` is not configured/,
    );
    const err = await buildFailureRunbook(deps({ names: undefined }))
      .buildPlan({ transactionId: TX }, ctx())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserFacingError);
    expect((err as Error).message).toMatch(/Sonar knows no transaction/);
  });
});
