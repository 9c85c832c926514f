import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';
import { type AirflowFake, type AirflowRequest, type FakeRunSpec } from '../../src/sandbox/fakes/airflow';
import { startAirflowFakeFor } from '../../src/sandbox/fakes/airflow-v2';
import { startGitHubFake, type GitHubFake } from '../../src/sandbox/fakes/github';
import { startSonarFake, type FakeDataset, type SonarFake } from '../../src/sandbox/fakes/sonar';
import { waitFor } from '../support/wait-for';
import { syntaxProblems, withTree } from '../../src/runbooks/build-failure/code/grammars';
import { newlyUndefined, undefinedNames } from '../../src/runbooks/build-failure/code/python-scopes';
import { buttonsOf, CHANNEL, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const RUN = 'scheduled__2026-11-24T03:00:00+00:00';
const DAG = 'dagao';
const AURORA = 'nubank/aurora-jobs';
const ITAIPU = 'nubank/itaipu';
const DAG_FILE = 'airflow/main.py';
const ITAIPU_FILE = 'src/main/scala/etl/itaipu/Itaipu.scala';
const MAIN_PY = readFileSync(join(__dirname, '../fixtures/aurora-jobs-main.py'), 'utf8');
const dagFixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/dags', name), 'utf8');
const ITAIPU_SCALA = readFileSync(join(__dirname, '../fixtures/itaipu-datasets.scala'), 'utf8');

// The slice of the nightly DAG that runbook.md's example talks about.
const DOWNSTREAM = {
  'itaipu-fx-model': ['fx-model'],
  'fx-model': ['databricks_load-models'],
  'itaipu-credit-limit': ['credit-limit'],
  'credit-limit': ['databricks_load-models'],
  'itaipu-rest': ['scale-ec2-rest'],
  'databricks_load-models': ['scale-ec2-rest'],
  'scale-ec2-rest': [],
};

const committed = (names: string[]): FakeDataset[] => names.map((name) => ({ name, committed: true }));
const uncommitted = (names: string[]): FakeDataset[] => names.map((name) => ({ name, committed: false }));

interface World {
  e2e: E2E;
  sonar: SonarFake;
  airflow: AirflowFake;
  github: GitHubFake;
}

type Api = 'v1' | 'v2';
/** A request that changes Airflow (not a dry run), on either generation. */
const isChange = (r: AirflowRequest): boolean => (r.method === 'POST' && r.body?.dry_run === false) || (r.method === 'PATCH' && !r.path.endsWith('/dry_run'));

async function startWorld(
  api: Api,
  datasets: FakeDataset[],
  tasks: FakeRunSpec['tasks'],
  logs?: FakeRunSpec['logs'],
  env: Record<string, string> = {},
  dagFile = MAIN_PY,
): Promise<World> {
  const sonar = await startSonarFake('sonar-tok');
  const airflow = await startAirflowFakeFor(api, { username: 'bot', password: 'airflow-pw' });
  const github = await startGitHubFake('gh-tok');
  sonar.setTransaction(TX, [...datasets, ...committed(['dataset/contracts', 'model/credit-limit', 'dataset/credit-limit'])]);
  airflow.addDag(DAG, DOWNSTREAM);
  airflow.addRun(DAG, {
    dagRunId: 'scheduled__2026-11-23T03:00:00+00:00',
    state: 'success',
    executionDate: '2026-11-23T03:00:00+00:00',
    conf: { metapod_transaction: '00000000-0000-4000-8000-000000000000' },
  });
  airflow.addRun(DAG, { dagRunId: RUN, state: 'running', executionDate: '2026-11-24T03:00:00+00:00', conf: { metapod_transaction: TX }, tasks, logs });
  github.addRepo(AURORA, { defaultBranch: 'master', files: { [DAG_FILE]: dagFile } });
  github.addRepo(ITAIPU, { defaultBranch: 'master', files: { [ITAIPU_FILE]: ITAIPU_SCALA } });
  const e2e = await startE2E({
    env: {
      SONAR_URL: sonar.url,
      SONAR_TOKEN: 'sonar-tok',
      AIRFLOW_URL: airflow.url,
      AIRFLOW_USERNAME: 'bot',
      AIRFLOW_PASSWORD: 'airflow-pw',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: 'gh-tok',
      ...env,
    },
  });
  return { e2e, sonar, airflow, github };
}

/** Waits until the plan message offers `actionId` for step `stepId`, and returns a snapshot of it. */
function gate(w: World, ts: string, stepId: string, actionId = 'op_approve'): Promise<EmulatedMessage> {
  return waitFor(
    () => {
      const m = w.e2e.slack.message(CHANNEL, ts);
      const button = (m?.blocks ?? [])
        .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as Record<string, unknown>[]) : []))
        .find((e) => e.action_id === actionId);
      return m && typeof button?.value === 'string' && button.value.split('|')[1] === stepId ? snapshot(m) : undefined;
    },
    { what: `the ${actionId} button of step ${stepId}`, timeoutMs: 8000 },
  );
}

const thread = (w: World, ts: string): string => w.e2e.slack.threadReplies(CHANNEL, ts).map(textOf).join('\n');

// Every flow against Airflow 2 (/api/v1) and Airflow 3 (/api/v2), the generation auto-detected.
describe.each(['v1', 'v2'] as const)('build-failure, end to end against Sonar, Airflow (%s) and GitHub fakes', (api) => {
  let w: World | undefined;
  afterEach(async () => {
    if (!w) return;
    await w.e2e.close();
    await Promise.all([w.sonar.close(), w.airflow.close(), w.github.close()]);
    w.e2e.slack.assertNoUnexpected();
    w.sonar.assertNoUnexpected();
    w.airflow.assertNoUnexpected();
    w.github.assertNoUnexpected();
    w = undefined;
  });

  it('model failure: PR removing the model, then mark it success and clear downstream, then the reminder', async () => {
    w = await startWorld(
      api,
      uncommitted(['model/fx-model', 'model/fx-model-avro']),
      {
        'itaipu-fx-model': 'success',
        'fx-model': 'failed',
        'itaipu-credit-limit': 'success',
        'credit-limit': 'success',
        'itaipu-rest': 'running',
        'databricks_load-models': 'upstream_failed',
        'scale-ec2-rest': 'upstream_failed',
      },
      { 'fx-model': { 1: `${'INFO reading input\n'.repeat(400)}ERROR column fx_rate not found in dataset/fx-model\n` } },
    );
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const prGate = await gate(w, first.ts, 'pull-request');
    const text = textOf(prGate);
    // The lookup shows the end of the failed task's log, fetched once.
    expect(thread(w, first.ts)).toMatch(/End of the fx-model log \(try 1\)[\s\S]*ERROR column fx_rate not found/);
    expect(w.airflow.requests.filter((r) => r.path.includes('/logs/'))).toHaveLength(1);
    expect(text).toContain('Only the model `fx-model` failed');
    expect(text).toContain("-    model_task('fx-model', dag=dag),");
    expect(text).toContain('runbook-bot/disable-model-fx-model-f7832a01');
    expect(text).toContain('fx-model: failed -&gt; success');
    expect(buttonsOf(prGate)).toEqual(['op_approve', 'op_cancel']);
    // Before any approval: only reads and Airflow dry runs.
    expect(w.github.mutations()).toHaveLength(0);
    expect(w.airflow.mutations()).toHaveLength(0);
    expect(w.airflow.requests.filter(isChange)).toEqual([]);
    expect(thread(w, first.ts)).toMatch(/Look up transaction .* succeeded/);

    await w.e2e.click(prGate, 'op_approve', 'UAPP');
    const airflowGate = await gate(w, first.ts, 'airflow');
    const pulls = w.github.pulls(AURORA);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ base: 'master', head: 'runbook-bot/disable-model-fx-model-f7832a01' });
    expect(pulls[0]!.body).toContain(TX);
    expect(pulls[0]!.body).toMatch(new RegExp(`https://slack.com/archives/${CHANNEL}/p\\d+`));
    expect(w.github.file(AURORA, DAG_FILE, pulls[0]!.head)).not.toContain("model_task('fx-model',");
    expect(w.github.file(AURORA, DAG_FILE, pulls[0]!.head)).toContain("model_task('fx-model-features',");
    expect(w.github.file(AURORA, DAG_FILE)).toBe(MAIN_PY);
    expect(thread(w, first.ts)).toContain(pulls[0]!.html_url);
    expect(w.airflow.mutations()).toHaveLength(0);
    const preview = textOf(airflowGate);
    expect(preview).toContain('databricks_load-models: upstream_failed -&gt; no status, runs again');
    expect(preview).toContain('scale-ec2-rest: upstream_failed -&gt; no status, runs again');

    await w.e2e.click(airflowGate, 'op_approve', 'UAPP2');
    await messageShowing(w.e2e.slack, first.ts, /Succeeded/, 8000);
    expect(w.airflow.taskState(DAG, RUN, 'fx-model')).toBe('success');
    expect(w.airflow.taskState(DAG, RUN, 'databricks_load-models')).toBeNull();
    expect(w.airflow.taskState(DAG, RUN, 'scale-ec2-rest')).toBeNull();
    expect(w.airflow.taskState(DAG, RUN, 'itaipu-rest')).toBe('running');
    // Marking success makes Airflow clear what failed downstream; the clear's own dry run then finds nothing left.
    expect(w.airflow.changes()).toEqual(['set-state']);
    expect(textOf(airflowGate)).toContain(api === 'v1' ? '/api/v1/dags/dagao/updateTaskInstancesState' : '/taskInstances/fx-model?update_mask=new_state');
    const all = thread(w, first.ts);
    expect(all).toMatch(/Marked fx-model as success and cleared 2 downstream tasks/);
    expect(all).toMatch(/deploy the DAG change to Airflow/);
  });

  it('dataset failure: asks, and offers the bypass only after someone confirms "not business critical"', async () => {
    // runbook.md's example output: the dataset failed and took its model with it.
    w = await startWorld(api, uncommitted(['model/fx-model-avro', 'dataset/fx-model', 'model/fx-model', 'dataset/fx-model-csv-gz']), {
      'itaipu-fx-model': 'failed',
      'fx-model': 'upstream_failed',
      'itaipu-credit-limit': 'success',
      'credit-limit': 'success',
      'itaipu-rest': 'running',
      'databricks_load-models': 'upstream_failed',
      'scale-ec2-rest': 'upstream_failed',
    });
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const ask = await gate(w, first.ts, 'confirm-non-critical', 'op_confirm');
    expect(textOf(ask)).toContain('The dataset `fx-model` failed, and took its model `fx-model` with it.');
    expect(textOf(ask)).toContain('Is the dataset fx-model business critical?');
    expect(buttonsOf(ask)).toEqual(['op_confirm', 'op_cancel']);
    expect(textOf(ask)).toContain('Question: changes nothing; answered by someone other than the requester');
    expect(JSON.stringify(ask.blocks)).toContain('Not business critical');

    // The requester cannot answer their own question; nothing changes.
    await w.e2e.click(ask, 'op_confirm', 'UREQ');
    await waitFor(() => w!.e2e.ephemeralsFor('UREQ').find((t) => /not recorded/.test(t)), { what: 'refusal of the requester' });
    await w.e2e.click(ask, 'op_confirm', 'UOWNER');
    const prGate = await gate(w, first.ts, 'pull-request');
    expect(textOf(prGate)).toContain('+    // dataset.FxModel, // disabled by runbook-bot: failed in transaction');
    expect(w.github.mutations()).toHaveLength(0);

    await w.e2e.click(prGate, 'op_approve', 'UAPP');
    const airflowGate = await gate(w, first.ts, 'airflow');
    expect(w.github.pulls(ITAIPU)).toHaveLength(1);
    expect(w.github.pulls(AURORA)).toHaveLength(0);
    const itaipuReceived = w.github.file(ITAIPU, ITAIPU_FILE, w.github.pulls(ITAIPU)[0]!.head)!;
    expect(itaipuReceived).toContain('    dataset.FxModelFeatures,');
    expect(await withTree('scala', itaipuReceived, (root) => syntaxProblems(root))).toEqual([]);
    expect(textOf(airflowGate)).toContain('itaipu-fx-model: failed -&gt; success');

    await w.e2e.click(airflowGate, 'op_approve', 'UAPP');
    await messageShowing(w.e2e.slack, first.ts, /Succeeded/, 8000);
    expect(w.airflow.taskState(DAG, RUN, 'itaipu-fx-model')).toBe('success');
    expect(w.airflow.taskState(DAG, RUN, 'fx-model')).toBe('success');
    expect(w.airflow.taskState(DAG, RUN, 'databricks_load-models')).toBeNull();

    // The audit trail names who confirmed.
    const opId = /`(op-[a-z0-9]{8})`/.exec(textOf(first))![1]!;
    const audit = await w.e2e.bot.store.auditTrail(opId);
    expect(audit.find((a) => a.type === 'approved' && a.detail.stepId === 'confirm-non-critical')?.actor).toBe('UOWNER');
  });

  it('a DAG file changed after the preview voids the approval and shows the new diff; nothing is pushed', async () => {
    w = await startWorld(api, uncommitted(['model/fx-model']), {
      'fx-model': 'failed',
      'databricks_load-models': 'upstream_failed',
      'scale-ec2-rest': 'upstream_failed',
    });
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const prGate = await gate(w, first.ts, 'pull-request');
    // Someone merges a change to the DAG file while the request waits.
    w.github.push(AURORA, DAG_FILE, MAIN_PY.replace("    model_task('fx-model-features', dag=dag),\n", ''));
    await w.e2e.click(prGate, 'op_approve', 'UAPP');
    await waitFor(() => /plan changed since it was approved/.test(thread(w!, first.ts)), { what: 'the plan-changed notice' });
    expect(w.github.mutations()).toHaveLength(0);
    const fresh = await gate(w, first.ts, 'pull-request');
    expect(textOf(fresh)).not.toContain("model_task('fx-model-features', dag=dag),");
    await w.e2e.click(fresh, 'op_approve', 'UAPP');
    await gate(w, first.ts, 'airflow');
    expect(w.github.pulls(AURORA)).toHaveLength(1);
  });

  it('Airflow failing during the bypass ends the operation as failed, saying what Airflow said', async () => {
    w = await startWorld(api, uncommitted(['model/fx-model']), {
      'fx-model': 'failed',
      'databricks_load-models': 'upstream_failed',
      'scale-ec2-rest': 'upstream_failed',
    });
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    await w.e2e.click(await gate(w, first.ts, 'pull-request'), 'op_approve', 'UAPP');
    const airflowGate = await gate(w, first.ts, 'airflow');
    w.airflow.override((req) =>
      isChange(req) ? { status: 500, body: { title: 'Internal Server Error', detail: 'database is locked', status: 500 } } : undefined,
    );
    await w.e2e.click(airflowGate, 'op_approve', 'UAPP');
    const end = await messageShowing(w.e2e.slack, first.ts, /:red_circle: Failed/, 8000);
    expect(textOf(end)).toMatch(/Airflow answered 500 .* database is locked/);
    expect(w.airflow.taskState(DAG, RUN, 'fx-model')).toBe('failed');
  });

  it("a run still in progress: many uncommitted entries, the likely failure taken from Airflow's failed tasks", async () => {
    const notYetBuilt = ['churn', 'contracts-daily', 'limits', 'savings'].flatMap((b) => [`dataset/${b}`, `model/${b}`, `model/${b}-avro`]);
    w = await startWorld(api, uncommitted([...notYetBuilt, 'model/fx-model']), {
      'fx-model': 'failed',
      'databricks_load-models': 'upstream_failed',
      'itaipu-rest': 'running',
    });
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const prGate = await gate(w, first.ts, 'pull-request');
    expect(textOf(prGate)).toContain('Only the model `fx-model` failed');
    const lookup = thread(w, first.ts);
    expect(lookup).toMatch(
      /still in progress \(5 dataset\/model groups not committed yet\); likely failures, from Airflow's failed tasks, are marked \*: fx-model/,
    );
    expect(lookup).toContain('* fx-model: model/fx-model');
    expect(lookup).toContain('  churn: dataset/churn, model/churn, model/churn-avro');
  });

  it('policy model: says to fix the root cause now and offers no bypass', async () => {
    // A hostile name from the backend is shown escaped and never acted on.
    w = await startWorld(api, uncommitted(['model/credit-limit', 'dataset/<!channel> `x`']), {
      'credit-limit': 'failed',
      'databricks_load-models': 'upstream_failed',
    });
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const done = await messageShowing(w.e2e.slack, first.ts, /Succeeded/, 8000);
    expect(textOf(done)).toContain('&lt;!channel&gt;');
    expect(textOf(done)).not.toContain('<!channel>');
    expect(textOf(done)).toContain('is a *policy model*: it is business critical. Fix the root cause now');
    expect(buttonsOf(done)).toEqual([]);
    expect(w.github.mutations()).toHaveLength(0);
    expect(w.airflow.requests.filter((r) => r.path.startsWith('/api/') && (r.method === 'POST' || r.method === 'PATCH'))).toHaveLength(0);
  });

  it('a policy list of task variables: a policy model read through its variable gets no bypass', async () => {
    // policy_models = [credit_limit, acquisition_policy]: read as strings only, it would look empty.
    w = await startWorld(
      api,
      uncommitted(['model/credit-limit']),
      { 'credit-limit': 'failed', 'databricks_load-models': 'upstream_failed' },
      undefined,
      {},
      dagFixture('02-variable-policy-list.py'),
    );
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const done = await messageShowing(w.e2e.slack, first.ts, /Succeeded/, 8000);
    expect(textOf(done)).toContain('`credit-limit` is a *policy model*: it is business critical. Fix the root cause now');
    expect(thread(w, first.ts)).toContain('credit-limit, acquisition-policy (from `policy_models` in nubank/aurora-jobs/airflow/main.py)');
    expect(buttonsOf(done)).toEqual([]);
    expect(w.github.mutations()).toHaveLength(0);
    expect(w.airflow.requests.filter(isChange)).toHaveLength(0);
  });

  it('a policy entry the bot cannot read: it disables nothing, names the entry and points to the manual steps', async () => {
    w = await startWorld(
      api,
      uncommitted(['model/fx-model']),
      { 'fx-model': 'failed', 'databricks_load-models': 'upstream_failed' },
      undefined,
      {},
      dagFixture('15-policy-unknown-name.py'),
    );
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const done = await messageShowing(w.e2e.slack, first.ts, /Succeeded/, 8000);
    const text = textOf(done);
    expect(text).toContain('entry `acquisiton_policy` (line 13)');
    expect(text).toContain('is not defined in this file');
    expect(text).toContain('so it disables nothing. Follow the runbook by hand ("Determining if a dataset or model is business critical"');
    expect(buttonsOf(done)).toEqual([]);
    expect(w.github.mutations()).toHaveLength(0);
    expect(w.airflow.requests.filter(isChange)).toHaveLength(0);
  });

  it('a model in `a >> [b, c] >> d` chains: the pull request GitHub receives re-parses, with every reference gone', async () => {
    const source = dagFixture('10-chained-lists.py');
    w = await startWorld(api, uncommitted(['model/fx-model']), { 'fx-model': 'failed', 'databricks_load-models': 'upstream_failed' }, undefined, {}, source);
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const prGate = await gate(w, first.ts, 'pull-request');
    // The preview shows the whole unified diff: every hunk.
    const preview = textOf(prGate);
    expect(preview).toContain("-fx_model = EmptyOperator(task_id='fx-model', dag=dag)");
    expect(preview).toContain(
      '-itaipu &gt;&gt; [credit_limit, fx_model, savings] &gt;&gt; load_models\n-report &lt;&lt; fx_model\n+itaipu &gt;&gt; [credit_limit, savings] &gt;&gt; load_models',
    );
    await w.e2e.click(prGate, 'op_approve', 'UAPP');
    await gate(w, first.ts, 'airflow');
    const pulls = w.github.pulls(AURORA);
    expect(pulls).toHaveLength(1);
    const received = w.github.file(AURORA, DAG_FILE, pulls[0]!.head)!;
    const before = await withTree('python', source, (root) => undefinedNames(root));
    const check = await withTree('python', received, (root) => ({ problems: syntaxProblems(root), broken: newlyUndefined(before, undefinedNames(root)) }));
    expect(check).toEqual({ problems: [], broken: [] });
    expect(received).not.toMatch(/fx_model|'fx-model'/);
    expect(received).toContain('itaipu >> [credit_limit, savings] >> load_models\n(\n    itaipu\n    >> savings\n    >> report\n)');
    expect(w.github.file(AURORA, DAG_FILE)).toBe(source);
  });

  it('a model the bot cannot remove safely: no pull request, the reason shown; the Airflow bypass is still offered', async () => {
    w = await startWorld(
      api,
      uncommitted(['model/fx-model']),
      { 'fx-model': 'failed', 'databricks_load-models': 'upstream_failed' },
      undefined,
      {},
      dagFixture('17-task-passed-to-helper.py'),
    );
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    const airflowGate = await gate(w, first.ts, 'airflow');
    expect(textOf(airflowGate)).toContain('No pull request is proposed: `fx_model` (line 10) is passed to `page_on_failure(...)`');
    expect(textOf(airflowGate)).not.toContain('Open a pull request');
    expect(w.github.mutations()).toHaveLength(0);
  });

  it('Airflow changed since the approval: its dry run differs, so the approval is voided and nothing is changed', async () => {
    w = await startWorld(api, uncommitted(['model/fx-model']), {
      'fx-model': 'failed',
      'databricks_load-models': 'upstream_failed',
      'scale-ec2-rest': 'upstream_failed',
    });
    await w.e2e.command(`build-failure ${TX}`);
    const first = await w.e2e.planMessage();
    await w.e2e.click(await gate(w, first.ts, 'pull-request'), 'op_approve', 'UAPP');
    const airflowGate = await gate(w, first.ts, 'airflow');
    // Someone cleared scale-ec2-rest by hand meanwhile: the approved preview no longer says what would happen.
    w.airflow.addRun(DAG, {
      dagRunId: RUN,
      state: 'running',
      executionDate: '2026-11-24T03:00:00+00:00',
      conf: { metapod_transaction: TX },
      tasks: { 'fx-model': 'failed', 'databricks_load-models': 'upstream_failed', 'scale-ec2-rest': null },
    });
    await w.e2e.click(airflowGate, 'op_approve', 'UAPP2');
    // The re-plan before running repeats Airflow's dry runs and sees the difference (the step itself would too, see
    // test/unit/runbooks/build-failure-steps.test.ts): the approval is voided and the new preview shown.
    await waitFor(() => /plan changed since it was approved/.test(thread(w!, first.ts)), { what: 'the plan-changed notice', timeoutMs: 8000 });
    const fresh = await gate(w, first.ts, 'airflow');
    expect(textOf(fresh)).not.toContain('scale-ec2-rest: upstream_failed');
    expect(w.airflow.requests.filter(isChange)).toEqual([]);
    expect(w.airflow.taskState(DAG, RUN, 'fx-model')).toBe('failed');
  });

  it('a named run that Airflow documents as missing is said plainly', async () => {
    w = await startWorld(api, uncommitted(['model/fx-model']), { 'fx-model': 'failed' });
    await w.e2e.command(`build-failure ${TX} --run manual__nope`);
    const first = await w.e2e.planMessage();
    await messageShowing(w.e2e.slack, first.ts, /Succeeded|Waiting|approv/i, 8000);
    expect(thread(w, first.ts) + textOf(first)).toMatch(/Airflow has no run `manual__nope` of DAG `dagao`/);
  });

  if (api === 'v2') {
    it('AIRFLOW_API_VERSION=1 against Airflow 3: the 404 of /api/v1 stops the lookup with the reason, never "no run"', async () => {
      w = await startWorld(api, uncommitted(['model/fx-model']), { 'fx-model': 'failed' }, undefined, { AIRFLOW_API_VERSION: '1' });
      const res = await w.e2e.command(`build-failure ${TX} --run ${RUN}`);
      const reply = await waitFor(() => w!.e2e.slack.responsesTo(res.responseUrl)[0], { what: 'the ephemeral error' });
      expect(String(reply.text)).toMatch(
        /Could not read the run from Airflow: Airflow answered 404 to GET \/dags\/dagao\/dagRuns\/.*Is this an Airflow 3 server/,
      );
      expect(String(reply.text)).not.toMatch(/has no run/);
      expect(w.e2e.slack.topLevel(CHANNEL)).toHaveLength(0);
      // Basic credentials went to the v1 routes only (which Airflow 3 does not have), never anywhere else.
      expect(w.airflow.foreign.length).toBeGreaterThan(0);
    });
  }

  it('Sonar down: a clear error for the requester, nothing planned', async () => {
    w = await startWorld(api, [], {});
    w.sonar.failWith(503);
    const res = await w.e2e.command(`build-failure ${TX}`);
    const reply = await waitFor(() => w!.e2e.slack.responsesTo(res.responseUrl)[0], { what: 'the ephemeral error' });
    expect(String(reply.text)).toMatch(/Could not look up the transaction in Sonar: Sonar answered 503/);
    expect(w.e2e.slack.topLevel(CHANNEL)).toHaveLength(0);
    expect(w.airflow.requests).toHaveLength(0);
    expect(w.github.requests).toHaveLength(0);
  });
});
