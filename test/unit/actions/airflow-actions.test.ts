import { HttpAirflowActions } from '../../../src/actions/airflow/http-airflow-actions';
import { isAirflowNotFound } from '../../../src/actions/airflow/airflow-errors';
import { BackendError } from '../../../src/actions/http/errors';
import { startAirflowFake, type AirflowFake } from '../../../src/sandbox/fakes/airflow';
import { startAirflowFakeFor } from '../../../src/sandbox/fakes/airflow-v2';

const RUN = 'scheduled__2026-11-24T03:00:00+00:00';
// A slice of the nightly DAG: a build task, its model, and the jobs downstream of it.
const DOWNSTREAM = {
  'itaipu-fx-model': ['fx-model'],
  'fx-model': ['databricks_load-models'],
  'itaipu-rest': ['scale-ec2-rest'],
  'databricks_load-models': ['scale-ec2-rest'],
  'scale-ec2-rest': [],
};

// The same suite against Airflow 2 (/api/v1, Basic auth) and Airflow 3 (/api/v2, JWT), auto-detected.
describe.each(['v1', 'v2'] as const)('HttpAirflowActions against the Airflow %s fake', (api) => {
  let airflow: AirflowFake;
  let actions: HttpAirflowActions;
  const apiCalls = (): AirflowFake['requests'] => airflow.requests.filter((r) => r.path.startsWith(`/api/${api}/dags`));
  beforeEach(async () => {
    airflow = await startAirflowFakeFor(api, { username: 'bot', password: 'pw' });
    airflow.addDag('dagao', DOWNSTREAM);
    airflow.addRun('dagao', { dagRunId: 'scheduled__2026-11-23T03:00:00+00:00', state: 'success', executionDate: '2026-11-23T03:00:00+00:00' });
    airflow.addRun('dagao', {
      dagRunId: RUN,
      state: 'running',
      executionDate: '2026-11-24T03:00:00+00:00',
      tasks: {
        'itaipu-fx-model': 'success',
        'fx-model': 'failed',
        'itaipu-rest': 'running',
        'databricks_load-models': 'upstream_failed',
        'scale-ec2-rest': 'upstream_failed',
      },
      logs: { 'fx-model': { 1: `${'INFO starting\n'.repeat(500)}ERROR java.lang.IllegalStateException: column fx_rate not found` } },
    });
    actions = new HttpAirflowActions({ url: `${airflow.url}/`, username: 'bot', password: 'pw', timeoutMs: 2000 });
  });
  afterEach(async () => {
    // Closed first: a failed assertion must not leave the server holding jest open.
    await airflow.close();
    airflow.assertNoUnexpected();
  });

  it('detects the generation, lists DAG runs latest first with valid credentials, and gets one run', async () => {
    const runs = await actions.listDagRuns('dagao', { limit: 2 });
    await expect(actions.apiGeneration()).resolves.toBe(api === 'v1' ? 1 : 2);
    expect(runs.map((r) => [r.dagRunId, r.state])).toEqual([
      [RUN, 'running'],
      ['scheduled__2026-11-23T03:00:00+00:00', 'success'],
    ]);
    expect(runs[0]).toMatchObject({ dagId: 'dagao', executionDate: '2026-11-24T03:00:00+00:00', conf: {} });
    if (api === 'v2') expect(runs[0]!.runAfter).toBe('2026-11-24T03:00:00+00:00');
    expect(apiCalls().every((r) => r.authorized)).toBe(true);
    expect(apiCalls().map((r) => r.scheme)).toContain(api === 'v1' ? 'basic' : 'bearer');
    expect(apiCalls()[0]!.query.getAll('order_by')).toEqual([api === 'v1' ? '-execution_date' : '-run_after']);
    expect((await actions.listDagRuns('dagao', { states: ['success'] })).map((r) => r.dagRunId)).toEqual(['scheduled__2026-11-23T03:00:00+00:00']);
    await expect(actions.getDagRun('dagao', RUN)).resolves.toMatchObject({ dagRunId: RUN, state: 'running' });
    // Probed once: v2 first, then v1 only when v2 is absent.
    expect(airflow.requests.filter((r) => r.path.endsWith('/version')).map((r) => r.path)).toEqual(
      api === 'v2' ? ['/api/v2/version'] : ['/api/v2/version', '/api/v1/version'],
    );
  });

  it('maps a missing run to AirflowNotFound naming it', async () => {
    const err = await actions.getDagRun('dagao', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(isAirflowNotFound(err)).toBe(true);
    expect(err).toMatchObject({ backend: 'Airflow', code: 'http_status', status: 404 });
    expect((err as Error).message).toMatch(/nope.* (not found|was not found)/);
  });

  it('keeps ids in one path segment and refuses . and ..', async () => {
    const err = await actions.getDagRun('dagao', '../../variables').catch((e: unknown) => e);
    expect(isAirflowNotFound(err)).toBe(true);
    expect(apiCalls().at(-1)!.path).toBe(`/api/${api}/dags/dagao/dagRuns/..%2F..%2Fvariables`);
    await expect(actions.getDagRun('dagao', '..')).rejects.toMatchObject({ code: 'invalid_url' });
  });

  it('lists task instances filtered by state', async () => {
    const failed = await actions.listTaskInstances('dagao', RUN, { states: ['failed', 'upstream_failed'] });
    expect(failed.map((t) => [t.taskId, t.state]).sort()).toEqual([
      ['databricks_load-models', 'upstream_failed'],
      ['fx-model', 'failed'],
      ['scale-ec2-rest', 'upstream_failed'],
    ]);
    expect(failed[0]).toMatchObject({ dagId: 'dagao', dagRunId: RUN, tryNumber: 1 });
    expect(await actions.listTaskInstances('dagao', RUN)).toHaveLength(5);
  });

  it('reads every page of a large run', async () => {
    const many = Object.fromEntries(Array.from({ length: 230 }, (_, i) => [`task-${i}`, [] as string[]]));
    airflow.addDag('big', many);
    airflow.addRun('big', { dagRunId: 'r1', tasks: Object.fromEntries(Object.keys(many).map((t) => [t, 'failed'])) });
    expect(await actions.listTaskInstances('big', 'r1', { states: ['failed'] })).toHaveLength(230);
    expect(airflow.requests.filter((r) => r.path.endsWith('/taskInstances')).map((r) => r.query.get('offset'))).toEqual(['0', '100', '200']);
  });

  it('returns the end of a task log, bounded, in the format this generation serves', async () => {
    const log = await actions.getTaskLog('dagao', RUN, 'fx-model', 1, { maxChars: 200 });
    expect(log.truncated).toBe(true);
    expect(log.excerpt).toHaveLength(200);
    expect(log.excerpt).toMatch(/column fx_rate not found$/);
    expect(apiCalls().at(-1)!.headers.accept).toBe(api === 'v1' ? 'text/plain' : 'application/json');
  });

  it('clears with dry_run without changing anything, then for real', async () => {
    const request = { dagRunId: RUN, taskIds: ['fx-model'], includeDownstream: true, onlyFailed: true };
    const preview = await actions.clearTaskInstances('dagao', { ...request, dryRun: true });
    expect(preview.map((t) => t.taskId).sort()).toEqual(['databricks_load-models', 'fx-model', 'scale-ec2-rest']);
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('failed');
    expect(airflow.mutations()).toHaveLength(0);
    expect(apiCalls().at(-1)?.body).toEqual({
      dry_run: true,
      dag_run_id: RUN,
      task_ids: ['fx-model'],
      include_downstream: true,
      include_upstream: false,
      only_failed: true,
      reset_dag_runs: true,
    });

    const cleared = await actions.clearTaskInstances('dagao', { ...request, taskIds: ['databricks_load-models'], dryRun: false });
    expect(cleared.map((t) => t.taskId).sort()).toEqual(['databricks_load-models', 'scale-ec2-rest']);
    expect(airflow.taskState('dagao', RUN, 'scale-ec2-rest')).toBeNull();
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('failed');
    expect(airflow.changes()).toEqual(['clear']);
  });

  it('sets a task state with its dry run, then for real (which also clears what failed downstream, as Airflow does)', async () => {
    const preview = await actions.setTaskInstanceState('dagao', { dryRun: true, dagRunId: RUN, taskId: 'fx-model', newState: 'success' });
    expect(preview).toEqual([{ dagId: 'dagao', taskId: 'fx-model', dagRunId: RUN, executionDate: '2026-11-24T03:00:00+00:00' }]);
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('failed');
    expect(airflow.mutations()).toHaveLength(0);
    const last = apiCalls().at(-1)!;
    if (api === 'v1')
      expect(last).toMatchObject({
        method: 'POST',
        path: '/api/v1/dags/dagao/updateTaskInstancesState',
        body: { dry_run: true, task_id: 'fx-model', new_state: 'success', dag_run_id: RUN },
      });
    else
      expect(last).toMatchObject({
        method: 'PATCH',
        path: `/api/v2/dags/dagao/dagRuns/${encodeURIComponent(RUN)}/taskInstances/fx-model/dry_run`,
        body: { new_state: 'success' },
      });

    await actions.setTaskInstanceState('dagao', { dryRun: false, dagRunId: RUN, taskId: 'fx-model', newState: 'success' });
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('success');
    expect(airflow.taskState('dagao', RUN, 'databricks_load-models')).toBeNull();
    expect(airflow.changes()).toEqual(['set-state']);
  });

  it('explains rejected credentials, server errors and garbage; a refused connection is not "nothing found"', async () => {
    const wrong = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'nope', timeoutMs: 2000 });
    await expect(wrong.listDagRuns('dagao')).rejects.toMatchObject({ status: 401, message: expect.stringContaining('AIRFLOW_USERNAME and AIRFLOW_PASSWORD') });

    // Detected and logged in first, so the overrides below answer the API calls themselves.
    await actions.listDagRuns('dagao');
    airflow.override(() => ({ status: 500, body: { detail: 'database is locked', title: 'Internal Server Error', status: 500 } }));
    await expect(actions.getDagRun('dagao', RUN)).rejects.toMatchObject({ status: 500, message: expect.stringContaining('database is locked') });

    airflow.override(() => ({ status: 200, body: '<html>login</html>' }));
    await expect(actions.listDagRuns('dagao')).rejects.toMatchObject({
      code: 'unreadable_answer',
      message: expect.stringContaining("could not read Airflow's answer: it is not JSON"),
    });
    airflow.override(() => ({ status: 200, body: { dag_runs: [{ dag_id: 'dagao', dag_run_id: 'x', state: 'exploded' }], total_entries: 1 } }));
    await expect(actions.listDagRuns('dagao')).rejects.toMatchObject({
      message: expect.stringMatching(/^could not read Airflow's answer: dag_runs\.0\.state\. Is AIRFLOW_URL/),
    });
    airflow.override(undefined);

    const closed = await startAirflowFake();
    await closed.close();
    await expect(new HttpAirflowActions({ url: closed.url }).listDagRuns('dagao')).rejects.toMatchObject({ code: 'connection_refused' });
  });

  it('says "abandoned" when the caller aborts', async () => {
    await actions.listDagRuns('dagao');
    airflow.override(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = actions.getDagRun('dagao', RUN, controller.signal);
    setTimeout(() => controller.abort(new Error('timed out after 1 s')), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('describes the bypass requests of this generation, once the generation is known', async () => {
    expect(() => actions.bypassRequests('dagao', RUN, ['fx-model'])).toThrow(/not known yet/);
    await actions.apiGeneration();
    const lines = actions.bypassRequests('dagao', RUN, ['fx-model']);
    expect(lines.at(-1)).toBe(`POST ${airflow.url}/api/${api}/dags/dagao/clearTaskInstances`);
    expect(lines[0]).toMatch(
      api === 'v1'
        ? /^POST .*\/api\/v1\/dags\/dagao\/updateTaskInstancesState$/
        : /^PATCH .*\/api\/v2\/dags\/dagao\/dagRuns\/.*\/taskInstances\/fx-model\?update_mask=new_state$/,
    );
  });
});
