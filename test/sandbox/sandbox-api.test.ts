import { Script } from 'node:vm';
import pino from 'pino';
import { SEEDED_DATASETS } from '../../src/sandbox/backends';
import { SANDBOX_PAGE } from '../../src/sandbox/page';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { waitFor } from '../support/wait-for';

const DATASET = SEEDED_DATASETS[0];
const JSON_TYPE = { 'content-type': 'application/json' };

interface PageState {
  messages: { ts: string; text: string; blocks: Record<string, unknown>[]; replies: { text: string }[] }[];
  privateNotes: { text: string }[];
  home: { blocks: unknown[] } | null;
  backends: {
    metapod: { retracted: { id: string; name?: string }[]; requests: string[]; unexpected: string[] };
    cloudformation: { mutatingCalls: string[] };
    airflow: { retries: unknown[] };
    dynamodb: { table: unknown };
    sonar: { pulls: unknown[] };
  };
  examples: { label: string; command: string }[];
  tour: { running: boolean; step: number; total: number; say?: string; error?: string };
  alarms: { backend: string; index: number; label: string }[];
}

describe('the sandbox: the real bot behind a Slack-like page, driven through its API', () => {
  let sandbox: Sandbox;
  const post = async (action: string, body: unknown) =>
    (
      await fetch(`${sandbox.url}api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json() as Promise<Record<string, unknown>>;
  const state = async (user: string) => (await (await fetch(`${sandbox.url}api/state?user=${user}`)).json()) as PageState;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, latencyMs: 50, env: {}, logger: pino({ level: 'silent' }), tourPauseMs: 0 });
  });
  afterEach(async () => {
    await sandbox.close();
    sandbox.slack.assertNoUnexpected();
  });

  it('serves the page on loopback and offers the seeded examples', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(sandbox.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<title>runbook-bot sandbox</title>');
    const icon = await fetch(`${sandbox.url}favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg /);
    expect((await state('UALICE')).examples).toContainEqual({ label: `Retract ${DATASET.name}`, command: `retract ${DATASET.kind} ${DATASET.id}` });
  });

  it('shows who is on call in the simulated PagerDuty schedule', async () => {
    expect(await post('command', { user: 'UBRUNO', text: '/runbook oncall' })).toEqual({ status: 200 });
    const note = await waitFor(async () => (await state('UBRUNO')).privateNotes.find((n) => /On call now/.test(n.text)), { what: 'the on-call answer' });
    expect(note.text).toContain('*data-infra*: <@UALICE>');
  });

  it('runs a retraction: signed command, refusal of the requester, approval by a colleague, backend state changed', async () => {
    expect(await post('command', { user: 'UALICE', text: `/runbook retract ${DATASET.kind} ${DATASET.id}` })).toEqual({ status: 200 });
    // The channel starts with posts people made earlier (seeded); the plan is the bot's message about this dataset.
    const plan = await waitFor(async () => (await state('UALICE')).messages.find((m) => JSON.stringify(m.blocks).includes(DATASET.id)), {
      what: 'the plan message',
    });
    expect(JSON.stringify(plan.blocks)).toContain('op_approve');
    // The sandbox's runbook-bot.yml: a policy naming the PagerDuty schedule alice is on call for.
    expect(JSON.stringify(plan.blocks)).toContain(
      'the rule (policy metapod-retractions) needs 1 of <@UBRUNO>, <@UCARLA>, whoever is on call for data-infra, not the requester',
    );
    expect((await state('UALICE')).backends.metapod.requests).toEqual([]);

    await post('click', { user: 'UALICE', ts: plan.ts, actionId: 'op_approve' });
    await waitFor(async () => (await state('UALICE')).privateNotes.find((n) => /four-eyes/.test(n.text)), { what: 'the refusal, shown only to alice' });
    expect((await state('UBRUNO')).privateNotes).toEqual([]);

    await post('click', { user: 'UBRUNO', ts: plan.ts, actionId: 'op_approve' });
    const done = await waitFor(async () => (await state('UBRUNO')).messages.find((m) => m.replies.some((r) => /succeeded/.test(r.text))), {
      what: 'the result in the thread',
    });
    expect(done.replies.map((r) => r.text).join('\n')).toMatch(/Approved by <@UBRUNO>/);
    const metapod = (await state('UBRUNO')).backends.metapod;
    expect(metapod.requests).toEqual([`POST /api/migrations/retract/${DATASET.kind}/${DATASET.id}`]);
    expect(metapod.retracted).toMatchObject([{ id: DATASET.id, name: DATASET.name }]);
    expect(metapod.unexpected).toEqual([]);

    // The Home tab of the approver shows the operation as succeeded.
    const home = await post('home', { user: 'UBRUNO' });
    expect(JSON.stringify(home.home)).toMatch(/Succeeded/);
  });

  it('answers help privately, and refuses unknown users and other slash commands without reaching the bot', async () => {
    await post('command', { user: 'UCARLA', text: '/runbook help' });
    expect((await state('UCARLA')).privateNotes[0]?.text).toMatch(/usage/i);
    expect((await state('UALICE')).privateNotes).toEqual([]);
    // Answers sent later through the command's response_url reach only the person who typed it.
    await post('command', { user: 'UCARLA', text: '/runbook status' });
    await waitFor(async () => (await state('UCARLA')).privateNotes.find((n) => /No operations yet/.test(n.text)), { what: 'the status answer for carla' });
    expect((await state('UBRUNO')).privateNotes).toEqual([]);
    const calls = sandbox.slack.calls.length;
    expect(await post('command', { user: 'UMALLORY', text: '/runbook help' })).toMatchObject({ error: expect.stringMatching(/^user: /) });
    expect(await post('command', { user: 'UALICE', text: '/deploy prod' })).toEqual({ error: 'Only /runbook is installed in this sandbox.' });
    expect(await post('click', { user: 'UALICE', ts: '1.2', actionId: 'op_approve' })).toEqual({ error: 'That button is no longer there.' });
    expect(sandbox.slack.calls.length).toBe(calls);
  });

  it('refuses cross-site form posts and foreign Host headers (DNS rebinding)', async () => {
    const calls = sandbox.slack.calls.length;
    const form = await fetch(`${sandbox.url}api/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ user: 'UALICE', text: '/runbook help' }),
    });
    expect(form.status).toBe(415);
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${sandbox.url}api/state`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(sandbox.slack.calls.length).toBe(calls);
  });

  it('plays the scripted tour to its end: one walk per runbook (a retraction refused for alice and approved by bruno, a rollback, ...)', async () => {
    expect(await post('tour', {})).toEqual({ started: true });
    expect(await post('tour', {})).toEqual({ error: 'The tour is already playing.' });
    const end = await waitFor(
      async () => {
        const s = await state('UALICE');
        return s.tour.running ? undefined : s;
      },
      { timeoutMs: 90_000, what: 'the tour to finish' },
    );
    // One walk per simulated runbook, played to its last step without an error.
    expect(end.tour.error).toBeUndefined();
    expect(end.tour.step).toBe(end.tour.total);
    expect(end.tour.say).toMatch(/^Done/);
    expect(end.privateNotes.map((n) => n.text).join('\n')).toMatch(/four-eyes/);
    const about = (pattern: RegExp) => end.messages.find((m) => pattern.test(JSON.stringify(m.blocks)))!;
    expect(
      about(new RegExp(DATASET.id))
        .replies.map((r) => r.text)
        .join('\n'),
    ).toMatch(/Approved by <@UBRUNO>[^]*succeeded/);
    expect(end.backends.metapod.requests).toHaveLength(1);
    expect(end.backends.cloudformation.mutatingCalls).toEqual(['ExecuteChangeSet prod-global-k-metapod', 'ExecuteChangeSet prod-global-k-metapod']);
    expect(JSON.stringify(about(/prod-global-k-metapod/).blocks)).toMatch(/Succeeded/);
    expect(JSON.stringify(about(/Dagão recovery/).blocks)).toMatch(/Succeeded/);
    expect(end.backends.airflow.retries).toEqual([{ dagRunId: 'manual__retry-1', state: 'success' }]);
    expect(end.backends.dynamodb.table).toMatchObject({ write: 150 });
    expect(end.backends.sonar.pulls).toEqual([expect.objectContaining({ head: expect.stringMatching(/^runbook-bot\/disable-model-fx-model-/) })]);
    expect(JSON.stringify(about(/Only the model `fx-model` failed/).blocks)).toMatch(/Succeeded/);
    // Every runbook's walk, one after the other: bounded by the wait above, not jest's default.
  }, 120_000);
});

describe('the sandbox page', () => {
  it('has a script that parses (checked here too, for machines without chromium)', () => {
    const script = /<script>([^]*)<\/script>/.exec(SANDBOX_PAGE)?.[1];
    expect(script).toBeDefined();
    // Parsed, not run: a syntax error from escaping inside the template literal fails here.
    expect(() => new Script(script!)).not.toThrow();
  });
});

describe('the sandbox with a backend that offers a sample alarm', () => {
  it('posts the alarm into the channel as its integration would, and delivers a signed message event to the bot', async () => {
    const sandbox = await startSandbox({
      port: 0,
      env: {},
      logger: pino({ level: 'silent' }),
      backends: [
        {
          name: 'alarms',
          start: () =>
            Promise.resolve({
              env: {},
              examples: [],
              alarms: [{ label: 'Datomic self-destruct', text: 'ALARM: "datomic-self-destruct" in us-east-1' }],
              state: () => ({}),
              close: () => Promise.resolve(),
            }),
        },
      ],
    });
    try {
      const page = (await (await fetch(`${sandbox.url}api/state?user=UALICE`)).json()) as PageState;
      expect(page.alarms).toEqual([{ backend: 'alarms', index: 0, label: 'Datomic self-destruct' }]);
      const res = (await (
        await fetch(`${sandbox.url}api/alarm`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ backend: 'alarms', index: 0 }) })
      ).json()) as { status: number };
      // 200: the bot verified the signature and took the event (this text names no table, so no runbook claims it).
      expect(res).toEqual({ status: 200 });
      expect(sandbox.slack.topLevel('CGUILDDATAENG').map((m) => m.text)).toEqual(['ALARM: "datomic-self-destruct" in us-east-1']);
      const bad = await fetch(`${sandbox.url}api/alarm`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ backend: 'alarms', index: 7 }) });
      expect(await bad.json()).toEqual({ error: 'No such sample alarm.' });
      sandbox.slack.assertNoUnexpected();
    } finally {
      await sandbox.close();
    }
  });
});
