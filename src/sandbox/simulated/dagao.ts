import type { SimulatedBackend } from '../backends';
import { startAirflowFakeFor } from '../fakes/airflow-v2';
import { buildFailureRun, DAGAO_DOWNSTREAM } from './build-failure-data';
import { writeSandboxCli } from './cli-scripts';

export const DAGAO_TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const AIRFLOW_USER = { username: 'sandbox', password: 'sandbox-airflow' };
const ALL_SUCCEEDED: Record<string, string> = Object.fromEntries(Object.keys(DAGAO_DOWNSTREAM).map((t) => [t, 'success']));

// The end of a Spark task log as Airflow's log endpoint returns it (a generic S3 read failure).
const FAILED_LOG = [
  '{bash_operator.py:123} INFO - Caused by: java.io.FileNotFoundException: No such file or directory: s3://nu-spark-metapod/contracts/part-00017.avro',
  '{bash_operator.py:123} INFO - \tat org.apache.hadoop.fs.s3a.S3AFileSystem.getFileStatus(S3AFileSystem.java:1642)',
  '{taskinstance.py:1150} ERROR - Bash command failed',
].join('\n');

/**
 * Airflow (3 by default, 2 with SANDBOX_AIRFLOW=2) with a dagão run that failed an hour ago (and its logs), and the `sabesp`/`nu` CLIs as
 * executables in a temp dir. When `sabesp jobs create prod dagao` runs, a new dagão run appears in
 * Airflow and succeeds a few seconds later, as the retried job would make it.
 */
export const dagaoSimulation: SimulatedBackend = {
  name: 'airflow',
  async start({ latencyMs, env }) {
    // SANDBOX_AIRFLOW=2 simulates Airflow 2 (/api/v1, Basic auth); 3, the default, Airflow 3 (/api/v2, JWT). The bot detects which.
    const generation = env?.SANDBOX_AIRFLOW ?? '3';
    if (generation !== '2' && generation !== '3')
      throw new Error(`SANDBOX_AIRFLOW must be 2 or 3 (the Airflow major version to simulate), not ${JSON.stringify(generation)}.`);
    const airflow = await startAirflowFakeFor(generation === '2' ? 'v1' : 'v2', AIRFLOW_USER);
    const cli = writeSandboxCli();
    const failedAt = new Date(Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000).toISOString().replace('.000Z', '+00:00');
    const failedRun = `scheduled__${failedAt}`;
    airflow.addDag('dagao', DAGAO_DOWNSTREAM);
    // The day before, another transaction's run lost a model (the build-failure runbook's case).
    airflow.addRun('dagao', buildFailureRun(new Date(failedAt)));
    airflow.addRun('dagao', {
      dagRunId: failedRun,
      state: 'failed',
      executionDate: failedAt,
      conf: { metapod_transaction: DAGAO_TX },
      tasks: { ...ALL_SUCCEEDED, 'itaipu-contracts': 'failed', 'itaipu-rest': 'upstream_failed', 'scale-ec2-rest': 'upstream_failed' },
      logs: { 'itaipu-contracts': { 1: FAILED_LOG } },
    });

    // Each retry the CLI log shows becomes a new run: running now, a success a moment later.
    let retries = 0;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const follow = setInterval(() => {
      const creates = cli.calls().filter((c) => c[0] === 'sabesp' && c.includes('create') && c.includes('dagao')).length;
      while (retries < creates) {
        retries += 1;
        const id = `manual__retry-${retries}`;
        const executionDate = new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
        const tasks = ALL_SUCCEEDED;
        airflow.addRun('dagao', {
          dagRunId: id,
          state: 'running',
          executionDate,
          conf: { metapod_transaction: DAGAO_TX },
          tasks: { 'itaipu-contracts': 'running' },
        });
        later(Math.max(1500, latencyMs * 5), () =>
          airflow.addRun('dagao', { dagRunId: id, state: 'success', executionDate, conf: { metapod_transaction: DAGAO_TX }, tasks }),
        );
      }
    }, 100);
    follow.unref();

    return {
      env: {
        AIRFLOW_URL: airflow.url,
        AIRFLOW_USERNAME: AIRFLOW_USER.username,
        AIRFLOW_PASSWORD: AIRFLOW_USER.password,
        SABESP_BIN: cli.path('sabesp'),
        NU_BIN: cli.path('nu'),
      },
      botOverrides: { dagaoPollMs: Math.max(200, latencyMs) },
      alarms: [
        {
          // Airflow's on_failure_callback post (the layout of test/fixtures/alarms/airflow-failure.json).
          label: 'Airflow: the dagão failed at itaipu-contracts',
          text: `:red_circle: Task Failed.\n*Task*: itaipu-contracts\n*Dag*: dagao\n*Execution Time*: ${failedAt}\n*Log Url*: <${airflow.url}/log?dag_id=dagao&amp;task_id=itaipu-contracts&amp;execution_date=${encodeURIComponent(failedAt)}|log>\nmetapod transaction: ${DAGAO_TX}`,
          botId: 'BAIRFLOW',
          username: 'Airflow',
        },
      ],
      seedMessages: [{ author: 'Airflow', text: `Nightly dagão started. Metapod transaction: ${DAGAO_TX}` }],
      examples: [
        { label: 'aurora: list the jobs', command: 'aurora list' },
        { label: 'aurora: status of the dagão job', command: 'aurora status dagao' },
        { label: 'dagão: diagnose the failed run', command: 'dagao status' },
        { label: 'dagão: retry on the same transaction', command: 'dagao retry' },
      ],
      tour: [
        {
          say: 'The nightly dagão failed. alice checks its aurora job: a read-only CLI call runs at once, and its output streams into the thread.',
          as: 'UALICE',
          command: 'aurora status dagao',
        },
        {
          say: 'She asks for the dagão runbook. The bot reads the failed run and its log in Airflow, the GoCD deploys before the failure and the transaction id posted in the channel, then proposes the recovery ladder.',
          as: 'UALICE',
          command: 'dagao status',
          after: 'Succeeded',
        },
        { say: 'Cycling the machines is destructive: bruno approves first…', as: 'UBRUNO', click: 'op_approve', after: 'Awaiting approval' },
        {
          say: '…then carla. The bot runs `nu ser cycle`, then offers the next rung: a retry on the same transaction.',
          as: 'UCARLA',
          click: 'op_approve',
          after: 'Needs 1 more approval',
        },
        {
          say: 'bruno approves the retry. The bot runs `sabesp jobs create`, then watches the new run in Airflow until it ends.',
          as: 'UBRUNO',
          click: 'op_approve',
          after: ':white_check_mark: cycle machines → :arrow_forward: *retry*',
        },
        { say: 'Done: the retried run succeeded, so the ladder ends; the Airflow panel shows both runs and the CLI calls.', after: 'Succeeded' },
      ],
      state: () => ({
        airflow: generation === '2' ? 'Airflow 2 (/api/v1, Basic auth)' : 'Airflow 3 (/api/v2, JWT)',
        failedRun: { dagRunId: failedRun, state: airflow.runState('dagao', failedRun) },
        retries: Array.from({ length: retries }, (_, i) => ({
          dagRunId: `manual__retry-${i + 1}`,
          state: airflow.runState('dagao', `manual__retry-${i + 1}`),
        })),
        cli: cli.calls().map((c) => c.join(' ')),
        mutations: airflow.mutations().map((r) => `${r.method} ${r.path}`),
        unexpected: airflow.unexpected,
      }),
      close: async () => {
        clearInterval(follow);
        for (const t of timers) clearTimeout(t);
        await airflow.close();
        cli.remove();
      },
    };
  },
};
