import { keyOf, parseAlarmMessage } from '../../../src/alarms/parse';

const post = (task: string, when = '2026-11-24T00:00:00+00:00', dag = 'dagao'): string =>
  `:red_circle: Task Failed.\n*Task*: ${task}\n*Dag*: ${dag}\n*Execution Time*: ${when}\nmetapod transaction: 7c9e6679-7425-40de-944b-e07fc1f90ae7`;
const keyOfPost = (text: string): string | undefined => parseAlarmMessage({ channel: 'C1', ts: '1.1', text })?.key;

describe('Airflow failure alarm keys', () => {
  it('two tasks failing in the same run share a key (one diagnosis of the run), whatever the task', () => {
    expect(keyOfPost(post('itaipu-contracts'))).toBe('airflow:dagao:2026-11-24T00:00:00+00:00');
    expect(keyOfPost(post('itaipu-rest'))).toBe(keyOfPost(post('itaipu-contracts')));
  });

  it('another run, or another DAG, is another alarm', () => {
    expect(keyOfPost(post('itaipu-contracts', '2026-11-25T00:00:00+00:00'))).not.toBe(keyOfPost(post('itaipu-contracts')));
    expect(keyOfPost(post('itaipu-contracts', undefined, 'models-nightly'))).not.toBe(keyOfPost(post('itaipu-contracts')));
  });

  it('prefers the run id over the execution date', () => {
    expect(keyOf({ kind: 'airflow-task-failure', dagId: 'dagao', taskId: 't', runId: 'manual__x', executionDate: 'e', state: 'ALARM' })).toBe(
      'airflow:dagao:manual__x',
    );
    expect(keyOf({ kind: 'airflow-task-failure', dagId: 'dagao', state: 'ALARM' })).toBe('airflow:dagao:-');
  });
});
