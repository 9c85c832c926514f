import type { AirflowTaskFailure } from '../../../src/alarms/types';
import { inputFromAlarm, offerFromAlarm } from '../../../src/runbooks/build-failure/input';

// An Airflow failure post names the DAG and the transaction; the run id only when the callback sent it.
const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const alarm = (extra: Partial<AirflowTaskFailure> = {}): AirflowTaskFailure => ({
  kind: 'airflow-task-failure',
  dagId: 'dagao',
  state: 'ALARM',
  transactionId: TX,
  ...extra,
});

describe('build-failure input from an alarm', () => {
  it('leaves an absent run id out instead of carrying it as undefined (the offer shows every key)', () => {
    const offered = offerFromAlarm(alarm(), 'dagao');
    expect(offered).toStrictEqual({ transactionId: TX, dagId: 'dagao' });
    expect(Object.keys(offered!)).not.toContain('dagRunId');
    expect(Object.keys(inputFromAlarm(alarm({ dagId: 'models-nightly' }), 'dagao')!)).toEqual(['transactionId', 'dagId']);
  });

  it('keeps the run id the alarm names, so the lookup uses that run', () => {
    expect(offerFromAlarm(alarm({ runId: 'scheduled__2026-11-24T00:00:00+00:00' }), 'dagao')).toStrictEqual({
      transactionId: TX,
      dagId: 'dagao',
      dagRunId: 'scheduled__2026-11-24T00:00:00+00:00',
    });
    expect(inputFromAlarm(alarm({ dagId: 'models-nightly', transactionId: TX.toUpperCase(), runId: 'manual__1' }), 'dagao')).toStrictEqual({
      transactionId: TX,
      dagId: 'models-nightly',
      dagRunId: 'manual__1',
    });
  });
});
