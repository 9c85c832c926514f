import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAirflowFake, type AirflowFake } from '../../src/sandbox/fakes/airflow';
import { createFakeCli, type FakeCli } from '../../src/sandbox/fakes/fake-cli';
import { startGitHubFake, type GitHubFake } from '../../src/sandbox/fakes/github';
import { startSonarFake, type SonarFake } from '../../src/sandbox/fakes/sonar';
import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';
import { messageEvent } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, snapshot, startE2E, textOf, type E2E } from './harness';

// The Airflow on_failure_callback post of test/fixtures/alarms (dagão, transaction 7c9e6679-...).
const FIXTURE = JSON.parse(readFileSync(join(__dirname, '../fixtures/alarms/airflow-failure.json'), 'utf8')) as { text: string };
const DAGAO_TX = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const DAGAO_RUN = 'scheduled__2026-11-24T00:00:00+00:00';
const MODELS_DAG = 'models-nightly';
const MODELS_RUN = 'scheduled__2026-11-24T03:00:00+00:00';
const MAIN_PY = readFileSync(join(__dirname, '../fixtures/aurora-jobs-main.py'), 'utf8');

/** The same post for another DAG/task (what the callback posts for any DAG), optionally without its transaction line. */
function failurePost(dag: string, task: string, withTx: string | undefined): string {
  const text = FIXTURE.text
    .replace(/\*Task\*: [^\n]+/, `*Task*: ${task}`)
    .replace(/\*Dag\*: [^\n]+/, `*Dag*: ${dag}`)
    .replace(/dag_id=dagao/, `dag_id=${dag}`)
    .replace(/task_id=[\w-]+/, `task_id=${task}`);
  return withTx === undefined ? text.replace(/\nmetapod transaction: [^\n]+/, '') : text.replace(DAGAO_TX, withTx);
}

let seq = 0;
/** The post as Slack delivers it to the Events API: a bot_message of the Airflow integration. */
function post(text: string): { body: string; ts: string } {
  seq += 1;
  const ts = `${1_800_100_000 + seq}.000200`;
  return { body: messageEvent({ channel: CHANNEL, text, ts, botId: 'BAIRFLOW' }), ts };
}

describe('Airflow task-failure alarms in the channel -> dagão or build-failure in the thread (end to end)', () => {
  let e2e: E2E | undefined;
  let airflow: AirflowFake;
  let sonar: SonarFake;
  let github: GitHubFake;
  let cli: FakeCli;

  beforeEach(async () => {
    cli = createFakeCli();
    airflow = await startAirflowFake({ username: 'bot', password: 'airflow-pw' });
    sonar = await startSonarFake('sonar-tok');
    github = await startGitHubFake('gh-tok');
    airflow.addDag('dagao', { 'itaipu-contracts': ['itaipu-rest'], 'itaipu-rest': [] });
    airflow.addRun('dagao', {
      dagRunId: DAGAO_RUN,
      state: 'failed',
      executionDate: '2026-11-24T00:00:00+00:00',
      conf: { metapod_transaction: DAGAO_TX },
      tasks: { 'itaipu-contracts': 'failed', 'itaipu-rest': 'upstream_failed' },
      logs: { 'itaipu-contracts': { 1: 'ERROR - java.net.SocketException: Connection reset' } },
    });
    airflow.addDag(MODELS_DAG, { 'fx-model': ['databricks_load-models'], 'databricks_load-models': [] });
    airflow.addRun(MODELS_DAG, {
      dagRunId: MODELS_RUN,
      state: 'running',
      executionDate: '2026-11-24T03:00:00+00:00',
      conf: { metapod_transaction: 'f7832a01-001b-56f7-a4fe-b3a417f8f654' },
      tasks: { 'fx-model': 'failed', 'databricks_load-models': 'upstream_failed' },
      logs: { 'fx-model': { 1: 'ERROR column fx_rate not found' } },
    });
    sonar.setTransaction('f7832a01-001b-56f7-a4fe-b3a417f8f654', [
      { name: 'model/fx-model', committed: false },
      { name: 'model/fx-model-avro', committed: false },
      { name: 'dataset/contracts', committed: true },
    ]);
    sonar.setTransaction(DAGAO_TX, [
      { name: 'dataset/contracts', committed: false },
      { name: 'model/contracts-model', committed: false },
    ]);
    github.addRepo('nubank/aurora-jobs', { defaultBranch: 'master', files: { 'airflow/main.py': MAIN_PY } });
    e2e = await startE2E({
      env: {
        AIRFLOW_URL: airflow.url,
        AIRFLOW_USERNAME: 'bot',
        AIRFLOW_PASSWORD: 'airflow-pw',
        SONAR_URL: sonar.url,
        SONAR_TOKEN: 'sonar-tok',
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: 'gh-tok',
        SABESP_BIN: cli.path('sabesp'),
        NU_BIN: cli.path('nu'),
      },
    });
  });
  afterEach(async () => {
    await e2e?.close();
    await Promise.all([airflow.close(), sonar.close(), github.close()]);
    cli.remove();
    e2e?.slack.assertNoUnexpected();
    airflow.assertNoUnexpected();
    sonar.assertNoUnexpected();
    github.assertNoUnexpected();
    e2e = undefined;
  });

  const replies = (ts: string): EmulatedMessage[] => e2e!.slack.threadReplies(CHANNEL, ts);
  const threadText = (ts: string): string => replies(ts).map(textOf).join('\n');
  const withButton = (ts: string, action: string): Promise<EmulatedMessage> =>
    waitFor(() => replies(ts).find((m) => buttonsOf(m).includes(action)), { what: `a message with ${action} in the alarm thread`, timeoutMs: 8000 });

  it('a dagão failure post gets the diagnosis and the recovery ladder in its thread; a repeat is counted, not diagnosed again', async () => {
    const alarm = post(FIXTURE.text);
    expect((await e2e!.post(alarm.body)).status).toBe(200);
    const plan = await withButton(alarm.ts, 'op_approve');
    const text = threadText(alarm.ts);
    expect(text).toMatch(/Recognised .*dagao/);
    expect(textOf(plan)).toMatch(/Recovery ladder: :arrow_forward: \*cycle machines\* → retry → scale → retry → rollback/);
    expect(text).toContain(`Run ${DAGAO_RUN} failed at itaipu-contracts`);
    expect(text).toContain(`Using transaction ${DAGAO_TX} (named in the alarm post).`);
    expect(buttonsOf(plan)).toEqual(expect.arrayContaining(['op_approve', 'op_cancel']));
    // Only read-only calls reached Airflow, and nothing was spawned.
    expect(airflow.mutations()).toEqual([]);
    expect(cli.calls('nu')).toEqual([]);
    expect(cli.calls('sabesp')).toEqual([]);

    const plansBefore = replies(alarm.ts).filter((m) => buttonsOf(m).includes('op_approve')).length;
    const repeat = post(FIXTURE.text);
    await e2e!.post(repeat.body);
    await waitFor(() => /Fired again \*1 time\*/.test(threadText(alarm.ts)), { what: 'the repeat counter in the first thread', timeoutMs: 8000 });
    expect(replies(repeat.ts)).toEqual([]);
    expect(replies(alarm.ts).filter((m) => buttonsOf(m).includes('op_approve'))).toHaveLength(plansBefore);
  });

  it('another task failing in the same dagão run joins the open diagnosis instead of starting a second ladder', async () => {
    const first = post(FIXTURE.text);
    await e2e!.post(first.body);
    await withButton(first.ts, 'op_approve');
    const sameRun = post(failurePost('dagao', 'itaipu-rest', DAGAO_TX));
    await e2e!.post(sameRun.body);
    await waitFor(
      () => /Fired again \*1 time\* since this diagnosis \(last <!date\^\d+\^\{time\}\|just now>, task `itaipu-rest`\)/.test(threadText(first.ts)),
      {
        what: 'the second task failure counted into the first thread, naming the task',
        timeoutMs: 8000,
      },
    );
    expect(replies(sameRun.ts)).toEqual([]);
    expect(e2e!.slack.messages.filter((m) => m.text.startsWith('Dagão recovery'))).toHaveLength(1);
  });

  it('a dagão failure also offers build-failure as a button: nothing starts until a click, then one operation in the same thread', async () => {
    const alarm = post(FIXTURE.text);
    await e2e!.post(alarm.body);
    // A copy as the second person still sees it (their Slack has not refreshed yet).
    const offer = snapshot(await withButton(alarm.ts, 'alarm_offer'));
    expect(textOf(offer)).toContain('Recover from a non-critical dataset/model build failure');
    expect(textOf(offer)).toContain(DAGAO_TX);
    await withButton(alarm.ts, 'op_approve'); // the dagão plan
    expect(sonar.requests).toEqual([]); // offered, not started

    expect((await e2e!.click(offer, 'alarm_offer', 'UONCALL')).status).toBe(200);
    const lookup = await waitFor(() => replies(alarm.ts).find((m) => m.text.startsWith('Build failure:') && buttonsOf(m).includes('op_confirm')), {
      what: 'the build-failure plan in the alarm thread',
      timeoutMs: 8000,
    });
    // The dataset failed: the runbook asks whether it is critical before offering any bypass.
    expect(textOf(lookup)).toMatch(/requested by <@UONCALL>/);
    expect(lookup.text).toContain('dataset contracts (transaction 7c9e6679)');
    expect(sonar.requests.length).toBeGreaterThan(0);
    await waitFor(() => /<@UONCALL> started \*Recover from a non-critical/.test(textOf(e2e!.slack.message(CHANNEL, offer.ts)!)), {
      what: 'the offer replaced by who started it',
    });

    // A second click (or a second person) does not start a second lookup.
    await e2e!.click(offer, 'alarm_offer', 'UOTHER');
    await waitFor(() => e2e!.ephemeralsFor('UOTHER').find((t) => /already started from this button/.test(t)), { what: 'the already-started answer' });
    expect(replies(alarm.ts).filter((m) => m.text.startsWith('Build failure:'))).toHaveLength(1);
    expect(github.mutations()).toEqual([]);
    expect(airflow.mutations()).toEqual([]);
  });

  it('a build failure of another DAG naming its transaction gets the Sonar lookup and the pull-request gate in its thread', async () => {
    const alarm = post(failurePost(MODELS_DAG, 'fx-model', 'f7832a01-001b-56f7-a4fe-b3a417f8f654'));
    expect((await e2e!.post(alarm.body)).status).toBe(200);
    const plan = await withButton(alarm.ts, 'op_approve');
    expect(textOf(plan)).toContain('Only the model `fx-model` failed');
    expect(buttonsOf(plan)).toEqual(['op_approve', 'op_cancel']);
    expect(threadText(alarm.ts)).toMatch(/Recognised .*models-nightly/);
    expect(sonar.requests.length).toBeGreaterThan(0);
    // build-failure claimed it itself, so nothing is offered on top.
    expect(replies(alarm.ts).some((m) => buttonsOf(m).includes('alarm_offer'))).toBe(false);
    expect(github.mutations()).toEqual([]);
    expect(airflow.mutations()).toEqual([]);
  });

  it('an Airflow failure of another DAG without a transaction id gets no reply', async () => {
    const other = post(failurePost(MODELS_DAG, 'fx-model', undefined));
    expect((await e2e!.post(other.body)).status).toBe(200);
    // A later dagão post is answered, so the listener had every chance to answer the first one before it.
    const dagao = post(FIXTURE.text);
    await e2e!.post(dagao.body);
    await withButton(dagao.ts, 'op_approve');
    expect(replies(other.ts)).toEqual([]);
    expect(sonar.requests).toEqual([]);
  });
});
