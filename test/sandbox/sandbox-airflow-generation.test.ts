import { HttpAirflowActions } from '../../src/actions/airflow/http-airflow-actions';
import { dagaoSimulation } from '../../src/sandbox/simulated/dagao';

describe('SANDBOX_AIRFLOW chooses the simulated Airflow generation', () => {
  it.each([
    ['2', 1, 'Airflow 2 (/api/v1, Basic auth)'],
    ['3', 2, 'Airflow 3 (/api/v2, JWT)'],
    [undefined, 2, 'Airflow 3 (/api/v2, JWT)'],
  ] as const)('SANDBOX_AIRFLOW=%s: the bot detects API v%s and reads the failed run', async (value, generation, label) => {
    const backend = await dagaoSimulation.start({ latencyMs: 0, env: value === undefined ? {} : { SANDBOX_AIRFLOW: value } });
    try {
      const airflow = new HttpAirflowActions({ url: backend.env.AIRFLOW_URL!, username: backend.env.AIRFLOW_USERNAME, password: backend.env.AIRFLOW_PASSWORD });
      const runs = await airflow.listDagRuns('dagao', { states: ['failed'] });
      expect(runs.length).toBeGreaterThan(0);
      await expect(airflow.apiGeneration()).resolves.toBe(generation);
      expect(backend.state()).toMatchObject({ airflow: label, unexpected: [] });
    } finally {
      await backend.close();
    }
  });

  it('refuses anything but 2 or 3', async () => {
    await expect(dagaoSimulation.start({ latencyMs: 0, env: { SANDBOX_AIRFLOW: '2.10' } })).rejects.toThrow('SANDBOX_AIRFLOW must be 2 or 3');
  });
});
