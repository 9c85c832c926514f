import pino from 'pino';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { COLOURS, layoutCapacityChart, type CapacityChart } from '../../src/sandbox/simulated/chart-layout';
import { waitFor } from '../support/wait-for';
import { decodePng } from '../unit/sandbox/png-decode';

// The sandbox's write burst (Sums per minute), as its CloudWatch draws it; times do not move the layout.
const SANDBOX_CHART: CapacityChart = {
  title: 'prod-s3-analytics-datomic: write capacity',
  unit: 'WCU/s (Sum per minute / 60 s)',
  values: [900, 1100, 1000, 1300, 2400, 6000, 5400, 2400].map((v) => v / 60),
  startMs: 0,
  periodSeconds: 60,
  provisioned: 50,
  provisionedLabel: 'provisioned 50 WCU',
  legend: { consumed: 'consumed WCU/s', over: 'over capacity', provisioned: 'provisioned' },
};

interface Message {
  ts: string;
  text: string;
  blocks: unknown[];
  replies: { text: string; blocks: unknown[] }[];
  files: { id: string; name: string; image: boolean }[];
  author?: string;
}
interface PageState {
  messages: Message[];
  privateNotes: { text: string }[];
  backends: Record<string, Record<string, unknown>>;
  examples: { label: string; command: string }[];
  alarms: { backend: string; index: number; label: string }[];
  tour: { running: boolean; step: number; say?: string; error?: string };
}

/** Everything a message shows: its blocks' text and its thread. */
const shown = (m: Message): string => JSON.stringify(m.blocks) + m.replies.map((r) => r.text + JSON.stringify(r.blocks)).join('\n');

describe('every runbook through the sandbox API (the real bot, real SDK clients, simulated backends)', () => {
  let sandbox: Sandbox;
  const post = async (action: string, body: unknown) =>
    (
      await fetch(`${sandbox.url}api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json() as Promise<Record<string, unknown>>;
  const state = async (user = 'UALICE') => (await (await fetch(`${sandbox.url}api/state?user=${user}`)).json()) as PageState;
  /** How many top-level messages the channel had when the current test sent its command. */
  let since = 0;
  const send = async (user: string, text: string): Promise<void> => {
    since = (await state()).messages.length;
    expect(await post('command', { user, text })).toEqual({ status: 200 });
  };
  /** The newest top-level message, posted since the last command, once it shows `pattern`. */
  const newestShowing = (pattern: RegExp, what: string, timeoutMs = 15_000): Promise<Message> =>
    waitFor(
      async () => {
        const messages = (await state()).messages;
        const m = messages.length > since ? messages.at(-1) : undefined;
        return m && pattern.test(shown(m)) ? m : undefined;
      },
      { what, timeoutMs },
    );
  /** Waits until the bot has finished what it started, so a click does not race the message updates. */
  const settled = async (): Promise<void> => sandbox.bot.idle();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, latencyMs: 20, env: {}, logger: pino({ level: 'silent' }), tourPauseMs: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
    sandbox.slack.assertNoUnexpected();
  });

  it('offers an example for each simulated runbook', async () => {
    const commands = (await state()).examples.map((e) => e.command.split(' ')[0]);
    expect(new Set(commands)).toEqual(new Set(['retract', 'rollback', 'datomic', 'aurora', 'dagao', 'build-failure', 'oncall', 'freeze']));
  });

  it('rolls metapod back: change set preview, deploy on approval, verification, two approvals to take the bad color down', async () => {
    await send('UALICE', '/runbook rollback metapod');
    const gate = await newestShowing(/Awaiting approval/, 'the rollback plan at its first gate');
    expect((await state()).messages).toHaveLength(since + 1);
    expect(shown(gate)).toMatch(/GreenVersion +01de01d -&gt; 600d600/);
    expect((await state()).backends.cloudformation!.mutatingCalls).toEqual([]);
    await settled();

    await post('click', { user: 'UBRUNO', ts: gate.ts, actionId: 'op_approve' });
    await newestShowing(/Needs 2 more approvals/, 'the scale-down gate', 30_000);
    await settled();
    expect((await state()).backends.cloudformation!.mutatingCalls).toEqual(['ExecuteChangeSet prod-global-k-metapod']);
    await post('click', { user: 'UBRUNO', ts: gate.ts, actionId: 'op_approve' });
    await waitFor(async () => (await state('UBRUNO')).privateNotes.find((n) => /needs 1 more approver/.test(n.text)), {
      what: 'the first destructive approval',
    });
    await post('click', { user: 'UCARLA', ts: gate.ts, actionId: 'op_approve' });
    const done = await newestShowing(/Succeeded/, 'the rollback to succeed', 30_000);
    expect(shown(done)).toMatch(/600d600 answers on every stack, and nothing else does/);
    const cfn = (await state()).backends.cloudformation!;
    expect(cfn.mutatingCalls).toEqual(['ExecuteChangeSet prod-global-k-metapod', 'ExecuteChangeSet prod-global-k-metapod']);
    expect(cfn.stacks).toContainEqual(
      expect.objectContaining({
        name: 'prod-global-k-metapod',
        parameters: expect.objectContaining({ GreenVersion: '600d600', GreenInstanceCount: '3', BlueInstanceCount: '0' }),
      }),
    );
    expect(cfn.unexpected).toEqual([]);
    expect((await state()).backends.gocd!.unexpected).toEqual([]);
  });

  it('previews a rollback of one shard of the sharded service, and cancels it without changing a stack', async () => {
    await send('UCARLA', '/runbook rollback correnteza --shard s1');
    const gate = await newestShowing(/Awaiting approval/, 'the shard rollback plan');
    expect(shown(gate)).toContain('prod-s1-k-correnteza');
    expect(shown(gate)).not.toContain('prod-s0-k-correnteza');
    expect(shown(gate)).toMatch(/GreenInstanceCount +0 -&gt; 2/);
    await settled();
    await post('click', { user: 'UCARLA', ts: gate.ts, actionId: 'op_cancel' });
    await newestShowing(/Cancelled/, 'the cancelled plan');
    const cfn = (await state()).backends.cloudformation!;
    expect(cfn.mutatingCalls).toEqual(['ExecuteChangeSet prod-global-k-metapod', 'ExecuteChangeSet prod-global-k-metapod']);
    expect(cfn.stacks).toContainEqual(
      expect.objectContaining({ name: 'prod-s1-k-correnteza', parameters: expect.objectContaining({ BlueInstanceCount: '2', GreenInstanceCount: '0' }) }),
    );
  });

  it('posts the Datomic throttling alarm from the menu: diagnosis and chart in its thread, then more capacity on approval', async () => {
    const menu = (await state()).alarms.find((a) => /Datomic/.test(a.label));
    expect(menu).toMatchObject({ backend: 'dynamodb' });
    expect(await post('alarm', { backend: menu!.backend, index: menu!.index })).toEqual({ status: 200 });
    const alarm = (await state()).messages.at(-1)!;
    expect(JSON.stringify(alarm.blocks)).toContain('prod-s3-analytics-datomic-write-throttles');
    const diagnosed = await waitFor(
      async () => {
        const m = (await state()).messages.find((x) => x.ts === alarm.ts)!;
        return m.replies.some((r) => /op_approve/.test(JSON.stringify(r.blocks))) ? m : undefined;
      },
      { what: 'the diagnosis and plan in the alarm thread', timeoutMs: 15_000 },
    );
    const thread = diagnosed.replies.map((r) => r.text + JSON.stringify(r.blocks)).join('\n');
    expect(thread).toMatch(/Recognised the CloudWatch alarm \*prod-s3-analytics-datomic-write-throttles\*/);
    expect(thread).toMatch(/Throttling found on `prod-s3-analytics-datomic`/);
    expect(thread).toContain('WCU 50 → 150');
    // The chart went into the alarm's thread, as a real PNG.
    const chart = await waitFor(() => sandbox.slack.files.find((f) => f.thread_ts === alarm.ts), { what: 'the chart upload' });
    expect(chart.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
    // Drawn from the bot's widget: the 50 WCU it annotated is the red line, with the legend under the plot.
    const picture = decodePng(chart.bytes);
    const drawn = layoutCapacityChart({ ...SANDBOX_CHART, provisioned: 50, provisionedLabel: 'provisioned 50 WCU' });
    expect([picture.width, picture.height]).toEqual([drawn.width, drawn.height]);
    expect(picture.hex(drawn.plot.left + 2, drawn.provisioned.lineY)).toBe(Buffer.from(COLOURS.provisioned).toString('hex'));
    for (const l of drawn.legend) expect(picture.hex(l.swatch.x + 1, l.swatch.y + 1)).toBe(Buffer.from(l.colour).toString('hex'));
    // The page shows it in the thread, served from the sandbox itself.
    const listed = await waitFor(async () => (await state()).messages.find((x) => x.ts === alarm.ts)!.files[0], { what: 'the chart on the page' });
    expect(listed).toMatchObject({ id: chart.id, name: 'prod-s3-analytics-datomic-capacity.png', image: true });
    const served = await fetch(`${sandbox.url}api/file?id=${encodeURIComponent(chart.id)}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(chart.bytes)).toBe(true);
    expect(alarm.author).toBe('AWS Chatbot');
    expect((await state()).backends.dynamodb!.table).toMatchObject({ write: 50 });

    await settled();
    const plan = diagnosed.replies.find((r) => /op_approve/.test(JSON.stringify(r.blocks))) as unknown as { ts: string };
    await post('click', { user: 'UCARLA', ts: plan.ts, actionId: 'op_approve' });
    await waitFor(
      async () => {
        const m = (await state()).messages.find((x) => x.ts === alarm.ts)!;
        return m.replies.some((r) => /Capacity is in place/.test(r.text + JSON.stringify(r.blocks)));
      },
      { what: 'the verified capacity change', timeoutMs: 20_000 },
    );
    const dynamodb = (await state()).backends.dynamodb!;
    expect(dynamodb.table).toMatchObject({ read: 100, write: 150 });
    expect(dynamodb.throttling).toBe(false);
    expect(dynamodb.unexpected).toEqual([]);
  });

  it('runs aurora status at once with the simulated sabesp, and streams its output into the thread', async () => {
    await send('UCARLA', '/runbook aurora status dagao');
    const done = await newestShowing(/Succeeded/, 'the aurora status to finish');
    expect(shown(done)).toMatch(/sabesp --aurora-stack=cantareira-stable jobs status prod dagao/);
    expect(shown(done)).toMatch(/dagao +FAILED/);
    expect((await state()).backends.airflow!.cli).toContainEqual('sabesp --aurora-stack=cantareira-stable jobs status prod dagao');
  });

  it('diagnoses the failed dagão run and climbs the ladder: cycle (two approvers), then a retry whose new run succeeds', async () => {
    await send('UALICE', '/runbook dagao status');
    const gate = await newestShowing(/Awaiting approval/, 'the first rung of the ladder');
    const text = shown(gate);
    expect(text).toMatch(/failed at itaipu-contracts/);
    expect(text).toContain('FileNotFoundException');
    expect(text).toMatch(/itaipu #3121 passed/);
    expect(text).toContain('Found transaction f7832a01-001b-56f7-a4fe-b3a417f8f654');
    // The transaction came from the post seeded into the channel, shown as Airflow's.
    expect((await state()).messages[0]).toMatchObject({ author: 'Airflow', text: expect.stringContaining('Metapod transaction: f7832a01') });
    expect((await state()).backends.airflow!.cli).not.toContainEqual(expect.stringMatching(/^nu /));
    await settled();
    await post('click', { user: 'UBRUNO', ts: gate.ts, actionId: 'op_approve' });
    await newestShowing(/Needs 1 more approval/, 'the first approval of the cycle');
    await settled();
    await post('click', { user: 'UCARLA', ts: gate.ts, actionId: 'op_approve' });
    await newestShowing(/:white_check_mark: cycle machines → :arrow_forward: \*retry\*/, 'the retry rung', 20_000);
    await settled();
    expect((await state()).backends.airflow!.cli).toContainEqual('nu ser cycle mesos-on-demand --env cantareira --suffix stable --region us-east-1');
    await post('click', { user: 'UBRUNO', ts: gate.ts, actionId: 'op_approve' });
    const done = await newestShowing(/Succeeded/, 'the ladder to end', 30_000);
    expect(shown(done)).toContain('The dagão recovered: run manual__retry-1 succeeded. The ladder ends here.');
    const airflow = (await state()).backends.airflow!;
    expect(airflow.retries).toEqual([{ dagRunId: 'manual__retry-1', state: 'success' }]);
    expect(airflow.cli).toContainEqual(
      'sabesp --verbose --aurora-stack=cantareira-stable jobs create prod dagao --filename dagao profile.metapod_transaction=f7832a01-001b-56f7-a4fe-b3a417f8f654',
    );
    expect(airflow.unexpected).toEqual([]);
  });

  it('build-failure: Sonar names the uncommitted model, a pull request removes it, Airflow marks it success and clears downstream', async () => {
    const tx = '3b1f9c2e-7a4d-4e8b-9c61-2d5e8f0a7b13';
    await send('UCARLA', `/runbook build-failure ${tx}`);
    const prGate = await newestShowing(/Awaiting approval/, 'the pull-request gate');
    expect(shown(prGate)).toContain('Only the model `fx-model` failed');
    expect(shown(prGate)).toContain("-    model_task('fx-model', dag=dag),");
    expect(shown(prGate)).toMatch(/ERROR column fx_rate not found/);
    expect((await state()).backends.sonar!.githubMutations).toEqual([]);
    await settled();
    await post('click', { user: 'UALICE', ts: prGate.ts, actionId: 'op_approve' });
    await newestShowing(/upstream_failed -&gt; no status/, 'the Airflow gate', 20_000);
    await settled();
    const sonar = (await state()).backends.sonar!;
    expect(sonar.pulls).toEqual([expect.objectContaining({ head: 'runbook-bot/disable-model-fx-model-3b1f9c2e' })]);
    await post('click', { user: 'UALICE', ts: prGate.ts, actionId: 'op_approve' });
    const done = await newestShowing(/Succeeded/, 'the build-failure to succeed', 20_000);
    expect(shown(done)).toMatch(/Marked fx-model as success and cleared 2 downstream tasks/);
    // The sandbox simulates Airflow 3 by default: one PATCH marks the model (Airflow then clears what failed downstream).
    expect((await state()).backends.airflow!.airflow).toBe('Airflow 3 (/api/v2, JWT)');
    expect((await state()).backends.airflow!.mutations).toEqual([
      expect.stringMatching(/^PATCH \/api\/v2\/dags\/dagao\/dagRuns\/.+\/taskInstances\/fx-model$/),
    ]);
    expect((await state()).backends.sonar!.unexpected).toEqual([]);
  });

  it("posts the Airflow failure alarm from the menu, and the dagão runbook diagnoses it in the alarm's thread", async () => {
    const menu = (await state()).alarms.find((a) => /Airflow/.test(a.label));
    expect(menu).toMatchObject({ backend: 'airflow' });
    expect(await post('alarm', { backend: menu!.backend, index: menu!.index })).toEqual({ status: 200 });
    const alarm = (await state()).messages.at(-1)!;
    expect(alarm.text).toMatch(/Task Failed/);
    const thread = await waitFor(
      async () => {
        const m = (await state()).messages.find((x) => x.ts === alarm.ts)!;
        const text = m.replies.map((r) => r.text + JSON.stringify(r.blocks)).join('\n');
        // The listener's intro comes first; the plan follows it in the thread.
        return m.replies.length >= 2 && /Dagão recovery/.test(text) && /itaipu-contracts/.test(text) ? text : undefined;
      },
      { what: 'the dagão plan in the alarm thread', timeoutMs: 15_000 },
    );
    expect(thread).toContain('f7832a01-001b-56f7-a4fe-b3a417f8f654');
  });
});

describe('the sandbox and the production image', () => {
  it('loads no devDependency (dynalite, graphql-http) until a sandbox starts: the Docker image prunes them', () => {
    jest.isolateModules(() => {
      for (const dev of ['dynalite', 'graphql-http']) {
        jest.doMock(dev, (): never => {
          throw new Error(`${dev} was loaded`);
        });
      }
      expect(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../src/sandbox/run');
      }).not.toThrow();
    });
  });

  it('says what to do when a devDependency is missing, instead of a module resolution stack', async () => {
    const { loadDevDependency } = await import('../../src/sandbox/simulated/dev-dependency');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => loadDevDependency('dynalite', (): unknown => require('no-such-module-here'))).toThrow(
      /development dependency that is not installed here\. Run `npm ci`/,
    );
  });
});
