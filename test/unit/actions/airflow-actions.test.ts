import { HttpAirflowActions } from '../../../src/actions/airflow/http-airflow-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { startAirflowFake, type AirflowFake } from '../../fakes/airflow';

const RUN = 'scheduled__2026-11-24T03:00:00+00:00';
// A slice of the nightly DAG: a build task, its model, and the jobs downstream of it.
const DOWNSTREAM = {
  'itaipu-fx-model': ['fx-model'],
  'fx-model': ['databricks_load-models'],
  'itaipu-rest': ['scale-ec2-rest'],
  'databricks_load-models': ['scale-ec2-rest'],
  'scale-ec2-rest': [],
};

describe('HttpAirflowActions against the Airflow fake', () => {
  let airflow: AirflowFake;
  let actions: HttpAirflowActions;
  beforeEach(async () => {
    airflow = await startAirflowFake({ username: 'bot', password: 'pw' });
    airflow.addDag('dagao', DOWNSTREAM);
    airflow.addRun('dagao', { dagRunId: 'scheduled__2026-11-23T03:00:00+00:00', state: 'success', executionDate: '2026-11-23T03:00:00+00:00' });
    airflow.addRun('dagao', {
      dagRunId: RUN,
      state: 'running',
      executionDate: '2026-11-24T03:00:00+00:00',
      tasks: { 'itaipu-fx-model': 'success', 'fx-model': 'failed', 'itaipu-rest': 'running', 'databricks_load-models': 'upstream_failed', 'scale-ec2-rest': 'upstream_failed' },
      logs: { 'fx-model': { 1: `${'INFO starting\n'.repeat(500)}ERROR java.lang.IllegalStateException: column fx_rate not found\n` } },
    });
    actions = new HttpAirflowActions({ url: `${airflow.url}/`, username: 'bot', password: 'pw', timeoutMs: 2000 });
  });
  afterEach(async () => {
    // Closed first: a failed assertion must not leave the server holding jest open.
    await airflow.close();
    airflow.assertNoUnexpected();
  });

  it('lists DAG runs latest first, with basic auth, and gets one run', async () => {
    const runs = await actions.listDagRuns('dagao', { limit: 2 });
    expect(runs.map((r) => [r.dagRunId, r.state])).toEqual([
      [RUN, 'running'],
      ['scheduled__2026-11-23T03:00:00+00:00', 'success'],
    ]);
    expect(runs[0]).toMatchObject({ dagId: 'dagao', executionDate: '2026-11-24T03:00:00+00:00', conf: {} });
    expect(airflow.requests.every((r) => r.authorized)).toBe(true);
    expect((await actions.listDagRuns('dagao', { states: ['success'] })).map((r) => r.dagRunId)).toEqual(['scheduled__2026-11-23T03:00:00+00:00']);
    await expect(actions.getDagRun('dagao', RUN)).resolves.toMatchObject({ dagRunId: RUN, state: 'running' });
  });

  it('maps a missing run to a 404 BackendError naming it', async () => {
    const err = await actions.getDagRun('dagao', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ backend: 'Airflow', code: 'http_status', status: 404 });
    expect((err as Error).message).toContain("DagRun ID: 'nope' not found");
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

  it('returns the end of a task log, bounded', async () => {
    const log = await actions.getTaskLog('dagao', RUN, 'fx-model', 1, { maxChars: 200 });
    expect(log.truncated).toBe(true);
    expect(log.excerpt).toHaveLength(200);
    expect(log.excerpt).toContain('column fx_rate not found');
  });

  it('clears with dry_run without changing anything, then for real', async () => {
    const request = { dagRunId: RUN, taskIds: ['fx-model'], includeDownstream: true, onlyFailed: true };
    const preview = await actions.clearTaskInstances('dagao', { ...request, dryRun: true });
    expect(preview.map((t) => t.taskId).sort()).toEqual(['databricks_load-models', 'fx-model', 'scale-ec2-rest']);
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('failed');
    expect(airflow.mutations()).toHaveLength(0);
    expect(airflow.requests.at(-1)?.body).toEqual({
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
  });

  it('sets a task state with dry_run, then for real', async () => {
    const preview = await actions.setTaskInstanceState('dagao', { dryRun: true, dagRunId: RUN, taskId: 'fx-model', newState: 'success' });
    expect(preview).toEqual([{ dagId: 'dagao', taskId: 'fx-model', dagRunId: RUN, executionDate: '2026-11-24T03:00:00+00:00' }]);
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('failed');
    await actions.setTaskInstanceState('dagao', { dryRun: false, dagRunId: RUN, taskId: 'fx-model', newState: 'success' });
    expect(airflow.taskState('dagao', RUN, 'fx-model')).toBe('success');
    expect(airflow.requests.at(-1)?.body).toMatchObject({ dry_run: false, task_id: 'fx-model', new_state: 'success', dag_run_id: RUN });
  });

  it('explains rejected credentials, server errors, garbage and refused connections', async () => {
    const wrong = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'nope', timeoutMs: 2000 });
    await expect(wrong.listDagRuns('dagao')).rejects.toMatchObject({ status: 401, message: expect.stringContaining('AIRFLOW_USERNAME and AIRFLOW_PASSWORD') });

    airflow.override(() => ({ status: 500, body: { title: 'Internal Server Error', detail: 'database is locked', status: 500 } }));
    await expect(actions.getDagRun('dagao', RUN)).rejects.toMatchObject({ status: 500, message: expect.stringContaining('database is locked') });

    airflow.override(() => ({ status: 200, body: '<html>login</html>' }));
    await expect(actions.listDagRuns('dagao')).rejects.toMatchObject({ message: expect.stringContaining('does not understand') });
    airflow.override(undefined);

    const closed = await startAirflowFake();
    await closed.close();
    await expect(new HttpAirflowActions({ url: closed.url }).listDagRuns('dagao')).rejects.toMatchObject({ code: 'connection_refused' });
  });

  it('says "abandoned" when the caller aborts', async () => {
    airflow.override(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = actions.getDagRun('dagao', RUN, controller.signal);
    setTimeout(() => controller.abort(new Error('timed out after 1 s')), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('builds API URLs for previews', () => {
    expect(actions.apiUrl('/dags/dagao/clearTaskInstances')).toBe(`${airflow.url}/api/v1/dags/dagao/clearTaskInstances`);
  });
});
