import { type AirflowFake } from '../../src/sandbox/fakes/airflow';
import { startAirflowFakeFor } from '../../src/sandbox/fakes/airflow-v2';
import { createFakeCli, type FakeCli } from '../../src/sandbox/fakes/fake-cli';
import { startCloudFormationFake } from '../../src/sandbox/fakes/cloudformation';
import { startGoCdFake, type GoCdFake } from '../../src/sandbox/fakes/gocd';
import { blueGreen, FAST_TIMING } from './rollback-harness';
import type { BotOverrides } from '../../src/bot';
import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const FAILED_RUN = 'scheduled__2026-11-24T00:00:00+00:00';
const RETRY_ARGV = [
  '--verbose',
  '--aurora-stack=cantareira-stable',
  'jobs',
  'create',
  'prod',
  'dagao',
  '--filename',
  'dagao',
  `profile.metapod_transaction=${TX}`,
];
const CYCLE_ARGV = ['ser', 'cycle', 'mesos-on-demand', '--env', 'cantareira', '--suffix', 'stable', '--region', 'us-east-1'];
const TASKS = { 'itaipu-contracts': ['itaipu-rest'], 'itaipu-rest': [] };

// The end of a Spark task log as Airflow's log endpoint returns it (shape of a real S3 read failure; paths are ours).
const GENERIC_LOG = [
  '[2026-11-24 02:51:07,114] {bash_operator.py:123} INFO - Caused by: java.io.FileNotFoundException: No such file or directory: s3://nu-spark-metapod/contracts/part-00017.avro',
  '[2026-11-24 02:51:07,115] {bash_operator.py:123} INFO - \tat org.apache.hadoop.fs.s3a.S3AFileSystem.getFileStatus(S3AFileSystem.java:1642)',
  '[2026-11-24 02:51:09,002] {taskinstance.py:1150} ERROR - Bash command failed',
].join('\n');

// Every flow against Airflow 2 (/api/v1) and Airflow 3 (/api/v2), the generation auto-detected.
describe.each(['v1', 'v2'] as const)('/runbook dagao on Airflow %s: diagnosis and the recovery ladder, end to end', (api) => {
  let cli: FakeCli;
  let airflow: AirflowFake;
  let gocd: GoCdFake;
  let e2e: E2E | undefined;

  beforeEach(async () => {
    cli = createFakeCli();
    airflow = await startAirflowFakeFor(api, { username: 'bot', password: 'airflow-secret' });
    gocd = await startGoCdFake({ token: 'gocd-token-1234' });
    airflow.addDag('dagao', TASKS);
    airflow.addRun('dagao', {
      dagRunId: FAILED_RUN,
      state: 'failed',
      executionDate: '2026-11-24T00:00:00+00:00',
      tasks: { 'itaipu-contracts': 'failed', 'itaipu-rest': 'upstream_failed' },
      logs: { 'itaipu-contracts': { 1: GENERIC_LOG } },
    });
    gocd.setRuns('itaipu', [
      {
        pipeline: 'itaipu',
        counter: 412,
        sha: '6c957ed851d82103e2b151b04aa8a5ede042c3c5',
        author: 'Jane Doe <jane@example.com>',
        message: 'Add contracts dataset',
        scheduledAt: new Date('2026-11-23T20:00:00Z'),
      },
      { pipeline: 'itaipu', counter: 300, sha: '1111111851d82103e2b151b04aa8a5ede042c3c5', scheduledAt: new Date('2026-11-20T20:00:00Z') },
    ]);
    gocd.setRuns('aurora-jobs', []);
  });
  afterEach(async () => {
    await e2e?.close();
    e2e?.slack.assertNoUnexpected();
    airflow.assertNoUnexpected();
    gocd.assertNoUnexpected();
    await airflow.close();
    await gocd.close();
    cli.remove();
    e2e = undefined;
  });

  const start = async (env: Record<string, string> = {}, overrides: BotOverrides = {}): Promise<E2E> => {
    e2e = await startE2E({
      env: {
        AIRFLOW_URL: airflow.url,
        AIRFLOW_USERNAME: 'bot',
        AIRFLOW_PASSWORD: 'airflow-secret',
        GOCD_URL: gocd.url,
        GOCD_TOKEN: 'gocd-token-1234',
        SABESP_BIN: cli.path('sabesp'),
        NU_BIN: cli.path('nu'),
        ...env,
      },
      overrides: { dagaoPollMs: 50, progressMinIntervalMs: 20, ...overrides },
    });
    return e2e;
  };

  /** A message someone posted in the channel earlier (the nightly run's start post names the transaction). */
  const seed = (bot: E2E, text: string): void => {
    bot.slack.messages.push({ channel: CHANNEL, ts: '1699990000.000100', text, updates: 0, versions: [{ text }] });
  };

  /** Waits until the plan message asks for approval of `stepId` and returns a copy to click. */
  const gate = async (bot: E2E, ts: string, stepId: string): Promise<EmulatedMessage> =>
    snapshot(
      await waitFor(
        () => {
          const m = bot.slack.message(CHANNEL, ts);
          const approve = (m?.blocks ?? [])
            .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as Record<string, unknown>[]) : []))
            .find((e) => e.action_id === 'op_approve');
          return approve && String(approve.value).split('|')[1] === stepId ? m : undefined;
        },
        { timeoutMs: 8000, what: `the approval gate of ${stepId}` },
      ),
    );
  const thread = (bot: E2E, ts: string): string => bot.slack.threadReplies(CHANNEL, ts).map(textOf).join('\n');

  it('diagnoses, then climbs the ladder rung by rung with approvals, and watches each retried run', async () => {
    const bot = await start();
    seed(bot, `Nightly dagão started. Metapod transaction: ${TX}`);
    await bot.command('dagao status --nodes 12');
    const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));

    // Diagnosis and transaction are read-only: they run at once, then the first rung waits for two approvers.
    let msg = await gate(bot, plan.ts, 'cycle');
    const diag = thread(bot, plan.ts);
    expect(diag).toContain(`Run ${FAILED_RUN} failed at itaipu-contracts: the errors look generic.`);
    expect(diag).toContain('FileNotFoundException');
    expect(diag).toMatch(/file not found; generic errors: the recovery ladder/);
    expect(diag).toMatch(/itaipu #412 passed, 2026-11-23 20:00 UTC \(4\.0 h before the failure\) 6c957ed by Jane Doe: Add contracts dataset/);
    expect(diag).not.toContain('#300');
    expect(diag).toContain(`Found transaction ${TX}`);
    expect(textOf(msg)).toMatch(/Recovery ladder: :arrow_forward: \*cycle machines\* → retry → scale → retry → rollback/);
    expect(textOf(msg)).toContain(`profile.metapod_transaction=${TX}`);
    expect(textOf(msg)).toMatch(/destructive \(2 approvers\)/);
    expect(cli.calls('nu')).toEqual([]);
    expect(airflow.mutations()).toEqual([]);

    // Rung 1: cycle machines (destructive: two approvers).
    await bot.click(msg, 'op_approve', 'UAPP1');
    await waitFor(() => bot.ephemeralsFor('UAPP1').find((t) => /recorded\. It needs 1 more approver/.test(t)), { what: 'the first approval' });
    expect(cli.calls('nu')).toEqual([]);
    await bot.click(msg, 'op_approve', 'UAPP2');

    // Rung 2: retry on the same transaction, then the new run is watched; it fails.
    msg = await gate(bot, plan.ts, 'retry-1');
    expect(cli.calls('nu')).toEqual([CYCLE_ARGV]);
    expect(cli.calls('sabesp')).toEqual([]);
    cli.script('sabesp', { stdout: ['Job dagao created: 7f3a'] });
    await bot.click(msg, 'op_approve', 'UAPP1');
    await waitFor(() => cli.calls('sabesp').length === 1, { what: 'the retry' });
    expect(cli.calls('sabesp')[0]).toEqual(RETRY_ARGV);
    airflow.addRun('dagao', { dagRunId: 'manual__retry-1', state: 'running', executionDate: '2026-11-24T06:00:00+00:00' });
    await waitFor(() => thread(bot, plan.ts).includes('new run `manual__retry-1` is running'), { what: 'progress of the watched run' });
    airflow.addRun('dagao', {
      dagRunId: 'manual__retry-1',
      state: 'failed',
      executionDate: '2026-11-24T06:00:00+00:00',
      tasks: { 'itaipu-contracts': 'failed' },
      logs: { 'itaipu-contracts': { 1: 'ERROR - java.net.SocketException: Connection reset' } },
    });

    // Rung 3: scale to the requested size.
    msg = await gate(bot, plan.ts, 'scale');
    expect(thread(bot, plan.ts)).toContain('the new run manual__retry-1 failed at itaipu-contracts');
    expect(thread(bot, plan.ts)).toContain('java.net.SocketException: Connection reset');
    expect(thread(bot, plan.ts)).toMatch(/The retry did not recover the dagão\. Next rung: scale the cluster to 12 nodes\./);
    expect(textOf(msg)).toMatch(/:white_check_mark: cycle machines → :white_check_mark: retry → :arrow_forward: \*scale\* → retry → rollback/);
    await bot.click(msg, 'op_approve', 'UAPP2');

    // Rung 4: retry again; this time the run succeeds and the ladder ends (no rollback offered).
    msg = await gate(bot, plan.ts, 'retry-2');
    expect(cli.calls('sabesp')[1]).toEqual([
      '--aurora-stack=cantareira-stable',
      'jobs',
      'create',
      'prod',
      'scale',
      '--job-version',
      'scale_cluster=4945885',
      'MODE=on-demand',
      'N_NODES=12',
      'SCALE_TIMEOUT=0',
    ]);
    await bot.click(msg, 'op_approve', 'UAPP1');
    await waitFor(() => cli.calls('sabesp').length === 3, { what: 'the second retry' });
    expect(cli.calls('sabesp')[2]).toEqual(RETRY_ARGV);
    airflow.addRun('dagao', { dagRunId: 'manual__retry-2', state: 'success', executionDate: '2026-11-24T09:00:00+00:00' });

    const done = await messageShowing(bot.slack, plan.ts, /Succeeded/, 8000);
    expect(buttonsOf(done)).toEqual([]);
    expect(textOf(done)).toMatch(/The dagão recovered after the second retry/);
    expect(textOf(done)).not.toMatch(/Roll back to a version that worked/);
    expect(thread(bot, plan.ts)).toContain('The dagão recovered: run manual__retry-2 succeeded. The ladder ends here.');
    expect(cli.calls('nu')).toHaveLength(1);
    expect(cli.calls('sabesp')).toHaveLength(3);
    expect(airflow.mutations()).toEqual([]);
    const apiCalls = airflow.requests.filter((r) => r.path.startsWith(`/api/${api}/dags`));
    expect(apiCalls.every((r) => r.authorized && r.scheme === (api === 'v1' ? 'basic' : 'bearer'))).toBe(true);
    // Basic credentials never reach an Airflow 3 server: it only ever saw the token request's JSON body.
    if (api === 'v2') expect(airflow.requests.filter((r) => r.scheme === 'basic')).toEqual([]);
  });

  it('when the last retry fails too, the last rung hands over to the rollback runbook in the same thread', async () => {
    const cfn = await startCloudFormationFake();
    try {
      cfn.addStack('prod-global-k-itaipu', blueGreen('6c957ed851d82103e2b151b04aa8a5ede042c3c5', '1111111851d82103e2b151b04aa8a5ede042c3c5'));
      gocd.setRuns('to-prod', []);
      const bot = await start({ AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url }, { rollbackTiming: FAST_TIMING });
      await bot.command(`dagao scale 5 --tx ${TX}`);
      const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));
      await bot.click(await gate(bot, plan.ts, 'scale'), 'op_approve', 'UAPP1');
      cli.script('sabesp', {});
      await bot.click(await gate(bot, plan.ts, 'retry-2'), 'op_approve', 'UAPP1');
      await waitFor(() => cli.calls('sabesp').length === 2, { what: 'the retry' });
      airflow.addRun('dagao', { dagRunId: 'manual__retry-2', state: 'failed', executionDate: '2026-11-24T06:00:00+00:00', tasks: { 'itaipu-rest': 'failed' } });
      const done = await messageShowing(bot.slack, plan.ts, /Succeeded/, 8000);
      expect(textOf(done)).toMatch(/:white_check_mark: \*Step 6\/6: Roll back to a version that worked\*/);
      expect(thread(bot, plan.ts)).toContain('Handing over to the rollback runbook for itaipu (itaipu#412, the newest deploy before the failure)');
      // The rollback is its own operation, proposed in the dagão's thread, waiting for its own approvals.
      const rollback = await waitFor(() => bot.slack.threadReplies(CHANNEL, plan.ts).find((m) => /Roll back itaipu/i.test(m.text)), {
        what: 'the rollback plan in the thread',
      });
      expect(textOf(rollback)).toMatch(/itaipu/);
      await bot.bot.engine.idle();
      expect(cfn.requests.filter((r) => r.action === 'ExecuteChangeSet')).toEqual([]);
      expect(cli.calls('sabesp')[0]).toContain('N_NODES=5');
    } finally {
      await e2e?.close();
      e2e = undefined;
      cfn.assertNoUnexpected();
      await cfn.close();
    }
  });

  it('a successful latest run: the diagnosis says so and no rung is offered', async () => {
    airflow.addRun('dagao', { dagRunId: 'scheduled__2026-11-25T00:00:00+00:00', state: 'success', executionDate: '2026-11-25T00:00:00+00:00' });
    const bot = await start();
    await bot.command('dagao status');
    const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));
    const done = await messageShowing(bot.slack, plan.ts, /Succeeded/);
    expect(textOf(done)).toMatch(/Nothing failed: no recovery is offered/);
    expect(textOf(done)).not.toMatch(/Cycle all mesos/);
    expect(thread(bot, plan.ts)).toMatch(/is success: nothing failed/);
    expect(cli.calls('nu')).toEqual([]);
  });

  it('--tx overrides the channel, and a retry is refused while a run is already going', async () => {
    const bot = await start();
    seed(bot, 'Metapod transaction: 00000000-0000-4000-8000-000000000000');
    await bot.command(`dagao retry --tx ${TX.toUpperCase()}`);
    const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));
    const msg = await gate(bot, plan.ts, 'retry-1');
    expect(thread(bot, plan.ts)).toContain(`Using transaction ${TX} (given with --tx).`);
    expect(textOf(msg)).toContain(`profile.metapod_transaction=${TX}`);
    // Someone started a run in the meantime.
    airflow.addRun('dagao', { dagRunId: 'manual__someone-else', state: 'running', executionDate: '2026-11-24T07:00:00+00:00' });
    await bot.click(msg, 'op_approve', 'UAPP1');
    const end = await messageShowing(bot.slack, plan.ts, /Failed/);
    expect(textOf(end)).toMatch(/A run of dagao is already running \(manual__someone-else\), so no second one was started/);
    expect(cli.calls('sabesp')).toEqual([]);
  });

  it('no transaction anywhere: the operation stops before any rung and says how to give one', async () => {
    const bot = await start();
    await bot.command('dagao status');
    const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));
    const end = await messageShowing(bot.slack, plan.ts, /Failed/);
    expect(textOf(end)).toMatch(/None of the last 100 messages in this channel names a transaction id.*`\/runbook dagao status --tx &lt;transaction-id&gt;`/);
    expect(bot.slack.callsTo('conversations.history')[0]?.args).toMatchObject({ channel: CHANNEL, limit: '100' });
  });

  it('an unexpected answer (a 403) fails the diagnosis with the reason, never "no run"', async () => {
    airflow.override((r) =>
      r.path.endsWith('/dagRuns') ? { status: 403, body: { detail: 'Access denied: can_read on DAG Runs', title: 'Forbidden', status: 403 } } : undefined,
    );
    const bot = await start();
    await bot.command(`dagao status --tx ${TX}`);
    const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));
    const end = await messageShowing(bot.slack, plan.ts, /Failed/);
    expect(thread(bot, plan.ts) + textOf(end)).toMatch(
      /Could not read the dagão from Airflow: Airflow's user for the bot may not do GET \/dags\/dagao\/dagRuns \(403\)/,
    );
    expect(thread(bot, plan.ts)).not.toMatch(/has no run/);
    expect(cli.calls('nu')).toEqual([]);
  });

  it('hostile input is refused before anything is planned or run', async () => {
    const bot = await start();
    for (const text of ['dagao scale -3', 'dagao scale 100000', 'dagao status --tx $(id)', 'dagao retry --tx ;rm', 'dagao status --nodes 0']) {
      const res = await bot.command(text);
      expect(res.status).toBe(200);
      expect(textOf((res.json ?? {}) as never)).toMatch(/is not a (number of nodes|transaction id)/);
    }
    expect(bot.slack.topLevel(CHANNEL)).toHaveLength(0);
    expect(airflow.requests).toEqual([]);
    expect(cli.calls('sabesp')).toEqual([]);
  });

  it('a missing nu binary fails the cycle rung clearly', async () => {
    const bot = await start({ NU_BIN: `${cli.dir}/missing/nu` });
    await bot.command(`dagao cycle --tx ${TX}`);
    const plan = await bot.planMessage((m) => m.text.startsWith('Dagão recovery'));
    const msg = await gate(bot, plan.ts, 'cycle');
    await bot.click(msg, 'op_approve', 'UAPP1');
    await bot.click(msg, 'op_approve', 'UAPP2');
    const end = await messageShowing(bot.slack, plan.ts, /Failed/);
    expect(textOf(end)).toMatch(/The `nu` CLI was not found at `.*missing\/nu`\. Install it on the bot's host or point NU_BIN at it\. Nothing was run\./);
  });
});
