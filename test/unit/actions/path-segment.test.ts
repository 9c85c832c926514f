import { BackendError } from '../../../src/actions/http/errors';
import { pathSegment } from '../../../src/actions/http/path-segment';

describe('pathSegment', () => {
  it.each(['', '.', '..'])('refuses %j, which would change the path', (value) => {
    expect(() => pathSegment('Airflow', 'DAG id', value)).toThrow(BackendError);
    expect(() => pathSegment('Airflow', 'DAG id', value)).toThrow(/DAG id .* not a valid name/);
  });

  it('encodes everything that could start a segment, a query or a fragment', () => {
    expect(pathSegment('Airflow', 'run id', 'scheduled__2026-12-05T00:00:00+00:00')).toBe('scheduled__2026-12-05T00%3A00%3A00%2B00%3A00');
    expect(pathSegment('Airflow', 'DAG id', '../x/?y#z')).toBe('..%2Fx%2F%3Fy%23z');
    expect(new URL(`http://h/api/v1/dags/${pathSegment('Airflow', 'DAG id', '..%2F..')}/dagRuns`).pathname).toBe('/api/v1/dags/..%252F../dagRuns');
  });
});
