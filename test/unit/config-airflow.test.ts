import { ConfigError, loadConfig } from '../../src/config';

describe('AIRFLOW_API_VERSION', () => {
  it('defaults to auto and accepts 1 (Airflow 2) and 2 (Airflow 3)', () => {
    expect(loadConfig({}).airflow.apiVersion).toBe('auto');
    expect(loadConfig({ AIRFLOW_API_VERSION: '1' }).airflow.apiVersion).toBe('1');
    expect(loadConfig({ AIRFLOW_API_VERSION: '2' }).airflow.apiVersion).toBe('2');
  });

  it('names a value that is not one of them', () => {
    expect(() => loadConfig({ AIRFLOW_API_VERSION: 'v3' })).toThrow(ConfigError);
    expect(() => loadConfig({ AIRFLOW_API_VERSION: '3' })).toThrow(/AIRFLOW_API_VERSION: must be auto, 1 \(Airflow 2\) or 2 \(Airflow 3\)/);
  });
});
