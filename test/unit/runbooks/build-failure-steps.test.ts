import pino from 'pino';
import type { AirflowActions, TaskInstanceRef } from '../../../src/actions/airflow/airflow-actions';
import type { GitHubActions } from '../../../src/actions/github/github-actions';
import { BackendError } from '../../../src/actions/http/errors';
import type { StepRunContext } from '../../../src/operations/runbook';
import type { Step, StepResult } from '../../../src/operations/types';
import type { BuildFailureDeps } from '../../../src/runbooks/build-failure';
import { runBuildFailureStep } from '../../../src/runbooks/build-failure/run-steps';
import { operationFixture, planFixture, stepFixture } from '../builders';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const MAIN = "models = [\n    model_task('fx-model', dag=dag),\n    model_task('other', dag=dag),\n]\n";
const lookup: StepResult = {
  stepId: 'lookup',
  attempt: 1,
  outcome: 'succeeded',
  summary: '',
  details: [],
  externalIds: { target: 'fx-model' },
  startedAt: '',
  finishedAt: '',
  durationMs: 0,
};

function context(step: Step): StepRunContext {
  const operation = operationFixture(planFixture([step]), {
    results: [lookup],
    location: { channel: 'CDATA', messageTs: '1700000000.000100' },
    approvals: [{ userId: 'UOWNER', stepId: step.id, fingerprint: 'f', at: '' }],
  });
  return {
    operation,
    step,
    attempt: 1,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    progress: () => undefined,
    recordExternalId: () => Promise.resolve(),
  };
}

function settings(): BuildFailureDeps['settings'] {
  return {
    defaultDagId: 'dagao',
    dagaoDagId: 'dagao',
    itaipuRepo: 'nubank/itaipu',
    itaipuDatasetsFile: 'Itaipu.scala',
    auroraJobsRepo: 'nubank/aurora-jobs',
    auroraJobsDagFile: 'airflow/main.py',
  };
}

class MemoryGitHub implements GitHubActions {
  branches = new Set(['master']);
  pulls: { head: string; body: string; url: string }[] = [];
  content = MAIN;
  sha = 'sha-1';
  fileUrl = () => '';
  defaultBranch = () => Promise.resolve('master');
  getFile = (_r: string, path: string) => Promise.resolve({ path, content: this.content, sha: this.sha });
  branchHead = () => Promise.resolve('head');
  createBranch = (_r: string, branch: string) => {
    if (this.branches.has(branch)) return Promise.reject(new BackendError('GitHub', 'http_status', 'Reference already exists', 422));
    this.branches.add(branch);
    return Promise.resolve();
  };
  updateFile = () => Promise.resolve('commit');
  createPullRequest = (_r: string, pr: { head: string; body: string }) => {
    const made = { ...pr, url: `https://github.com/x/pull/${this.pulls.length + 1}` };
    this.pulls.push(made);
    return Promise.resolve({ number: this.pulls.length, url: made.url });
  };
  findOpenPullRequest = (_r: string, branch: string) => {
    const pr = this.pulls.find((p) => p.head === branch);
    return Promise.resolve(pr ? { number: 1, url: pr.url } : undefined);
  };
}

const prStep = stepFixture('pull-request', 'mutating', {
  action: {
    kind: 'github.pull-request',
    params: {
      failed: 'model',
      name: 'fx-model',
      repo: 'nubank/aurora-jobs',
      path: 'airflow/main.py',
      base: 'master',
      branch: 'runbook-bot/disable-model-fx-model-f7832a01',
      fileSha: 'sha-1',
      title: 'Remove model fx-model',
    },
  },
});

describe('the pull request step', () => {
  it('opens the PR with a body linking the thread and the transaction', async () => {
    const github = new MemoryGitHub();
    const outcome = await runBuildFailureStep({ github, settings: settings() }, prStep, { transactionId: TX }, context(prStep));
    expect(outcome).toMatchObject({ ok: true, externalIds: { pullRequest: 'https://github.com/x/pull/1' } });
    expect(github.pulls[0]!.body).toContain('https://slack.com/archives/CDATA/p1700000000000100');
    expect(github.pulls[0]!.body).toContain(TX);
  });

  it('reports the open PR of an earlier attempt instead of opening a second one', async () => {
    const github = new MemoryGitHub();
    await runBuildFailureStep({ github, settings: settings() }, prStep, { transactionId: TX }, context(prStep));
    const again = await runBuildFailureStep({ github, settings: settings() }, prStep, { transactionId: TX }, context(prStep));
    expect(again).toMatchObject({ ok: true, summary: 'A pull request for this is already open: https://github.com/x/pull/1' });
    expect(github.pulls).toHaveLength(1);
  });

  it('changes nothing when the file changed since the preview', async () => {
    const github = new MemoryGitHub();
    github.sha = 'sha-2';
    const outcome = await runBuildFailureStep({ github, settings: settings() }, prStep, { transactionId: TX }, context(prStep));
    expect(outcome).toMatchObject({ ok: false, summary: expect.stringContaining('changed in nubank/aurora-jobs since the preview') });
    expect(github.branches.size).toBe(1);
  });
});

describe('the Airflow bypass step', () => {
  const step = stepFixture('airflow', 'mutating', {
    action: { kind: 'airflow.bypass', params: { dagId: 'dagao', dagRunId: 'r1', mark: ['fx-model'], clear: ['databricks_load-models'] } },
  });
  /** `clears`: what each clearTaskInstances call answers, in order (dry runs included). */
  function airflow(states: Record<string, string | null>, clears: string[][]): AirflowActions & { calls: string[] } {
    const calls: string[] = [];
    const ref = (taskId: string): TaskInstanceRef => ({ dagId: 'dagao', taskId });
    return {
      calls,
      baseUrl: '',
      apiUrl: (p) => p,
      listDagRuns: () => Promise.resolve([]),
      getDagRun: () => Promise.reject(new Error('unused')),
      getTaskLog: () => Promise.reject(new Error('unused')),
      listTaskInstances: () =>
        Promise.resolve(Object.entries(states).map(([taskId, state]) => ({ dagId: 'dagao', dagRunId: 'r1', taskId, state: state as never, tryNumber: 1 }))),
      setTaskInstanceState: (_d, r) => {
        calls.push(`set ${r.taskId} ${r.newState} dry=${r.dryRun}`);
        return Promise.resolve([ref(r.taskId)]);
      },
      clearTaskInstances: (_d, r) => {
        calls.push(`clear ${r.taskIds.join(',')} downstream=${r.includeDownstream} onlyFailed=${r.onlyFailed} dry=${r.dryRun}`);
        return Promise.resolve((clears.shift() ?? []).map(ref));
      },
    };
  }
  const run = (fake: AirflowActions) => runBuildFailureStep({ airflow: fake, settings: settings() }, step, { transactionId: TX }, context(step));

  it('repeats the dry runs, marks, clears what is left after its own dry run, and reports the new states', async () => {
    const fake = airflow({ 'fx-model': 'success', 'databricks_load-models': null }, [
      ['fx-model', 'databricks_load-models'],
      ['databricks_load-models'],
      ['databricks_load-models'],
    ]);
    const outcome = await run(fake);
    expect(fake.calls).toEqual([
      'set fx-model success dry=true',
      'clear fx-model downstream=true onlyFailed=true dry=true',
      'set fx-model success dry=false',
      'clear fx-model downstream=true onlyFailed=true dry=true',
      'clear fx-model downstream=true onlyFailed=true dry=false',
    ]);
    expect(outcome).toMatchObject({ ok: true, summary: 'Marked fx-model as success and cleared 1 downstream task.' });
    expect(outcome.details![0]!.value).toBe('fx-model: success\ndatabricks_load-models: no status');
  });

  it('skips the clear when marking already cleared everything downstream (Airflow does that when it marks success)', async () => {
    const fake = airflow({ 'fx-model': 'success', 'databricks_load-models': null }, [['fx-model', 'databricks_load-models'], []]);
    const outcome = await run(fake);
    expect(fake.calls.filter((c) => c.includes('dry=false'))).toEqual(['set fx-model success dry=false']);
    expect(outcome).toMatchObject({ ok: true, summary: 'Marked fx-model as success and cleared 1 downstream task.' });
  });

  it('voids the step, changing nothing, when the dry run now differs from the approved preview', async () => {
    const fake = airflow({ 'fx-model': 'failed' }, [['fx-model', 'databricks_load-models', 'scale-ec2-rest']]);
    const outcome = await run(fake);
    expect(outcome).toMatchObject({ ok: false, summary: expect.stringMatching(/^Voided: .*nothing was changed/) });
    expect(outcome.details!.map((d) => d.value).join('\n')).toContain('clear: databricks_load-models, scale-ec2-rest');
    expect(fake.calls.filter((c) => c.includes('dry=false'))).toEqual([]);
  });

  it('stops and says so when the real clear touches something else than its dry run', async () => {
    const fake = airflow({ 'fx-model': 'success' }, [
      ['fx-model', 'databricks_load-models'],
      ['databricks_load-models'],
      ['databricks_load-models', 'scale-ec2-rest'],
    ]);
    const outcome = await run(fake);
    expect(outcome).toMatchObject({
      ok: false,
      summary: 'Airflow cleared databricks_load-models, scale-ec2-rest, but its dry run said databricks_load-models. Look at the run in Airflow.',
    });
  });

  it('stops before clearing when marking changed other task instances than its dry run said', async () => {
    const fake = airflow({ 'fx-model': 'success' }, [['fx-model', 'databricks_load-models']]);
    const dryRunAware = fake.setTaskInstanceState.bind(fake);
    fake.setTaskInstanceState = async (d, r, signal) => [
      ...(await dryRunAware(d, r, signal)),
      ...(r.dryRun ? [] : [{ dagId: 'dagao', taskId: 'itaipu-fx-model' }]),
    ];
    const outcome = await run(fake);
    expect(outcome).toMatchObject({
      ok: false,
      summary:
        'Airflow changed fx-model, itaipu-fx-model when marking fx-model as success, but its dry run said fx-model. Stopped before clearing anything; look at the run in Airflow.',
    });
    expect(fake.calls.filter((c) => c.startsWith('clear')).every((c) => c.endsWith('dry=true'))).toBe(true);
  });

  it('fails when the marked task does not show success afterwards', async () => {
    const fake = airflow({ 'fx-model': 'failed' }, [['fx-model', 'databricks_load-models'], []]);
    const outcome = await run(fake);
    expect(outcome).toMatchObject({ ok: false, summary: expect.stringContaining('does not show fx-model as success') });
  });
});

describe('the confirmation step', () => {
  it('records who confirmed', async () => {
    const step = stepFixture('confirm-non-critical', 'mutating', { action: { kind: 'confirmation', params: { dataset: 'fx-model' } } });
    const outcome = await runBuildFailureStep({ settings: settings() }, step, { transactionId: TX }, context(step));
    expect(outcome).toMatchObject({ ok: true, summary: expect.stringContaining('by UOWNER') });
  });
});
