// Issue 16, items 5-7 through the real Bolt app on loopback, with signed requests:
// - every registered action id (read from Bolt's registration) is refused for the requester, for a user
//   outside APPROVERS and from a foreign channel or workspace, and the mutating backend receives nothing;
// - a re-run of an interrupted step needs a third person (crash-restart style, two bots on one database);
// - `/runbook build-failure <tx> --dag ..` is refused before any Airflow request.
import { App } from '@slack/bolt';
import { startAirflowFake } from '../../src/sandbox/fakes/airflow';
import { startMetapodFake } from '../../src/sandbox/fakes/metapod';
import { startSlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { approveValue } from '../../src/slack/blocks/operation-message';
import { blockActionPayload, clickButton } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startE2E, tempDatabase, textOf, type E2E } from './harness';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const REQUESTER = 'UREQ';
const APPROVER = 'UAPP';
const OUTSIDER = 'UOUTSIDE';
/** The four clicks every gated path must refuse: who, and from where. */
const REFUSED = [
  { who: 'the requester', user: REQUESTER, channelId: CHANNEL, teamId: 'T0001' },
  { who: 'a user outside APPROVERS', user: OUTSIDER, channelId: CHANNEL, teamId: 'T0001' },
  { who: 'an approver in another channel', user: APPROVER, channelId: 'COTHER', teamId: 'T0001' },
  { who: 'an approver in another workspace', user: APPROVER, channelId: CHANNEL, teamId: 'TFOREIGN' },
];

/** A signed click on `actionId` with `value` (a button or a menu option), from a given channel and workspace. */
function click(e2e: E2E, actionId: string, value: string, messageTs: string, who: { user: string; channelId: string; teamId: string }) {
  const payload = blockActionPayload({
    userId: who.user,
    actionId,
    value,
    messageTs,
    channelId: who.channelId,
    teamId: who.teamId,
    responseUrl: e2e.slack.newResponseUrl(),
  });
  if (actionId === 'op_export')
    payload.actions = [
      {
        type: 'overflow',
        action_id: actionId,
        block_id: 'actions',
        selected_option: { text: { type: 'plain_text', text: 'Export timeline' }, value },
        action_ts: '1700000000.000100',
      },
    ];
  if (actionId === 'rollback_pick_build')
    payload.actions = [
      {
        type: 'static_select',
        action_id: actionId,
        block_id: 'actions',
        selected_option: { text: { type: 'plain_text', text: 'build' }, value },
        action_ts: '1700000000.000100',
      },
    ];
  return e2e.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

/** A retraction awaiting approval (a mutating Metapod call), proposed by REQUESTER. */
let retractions = 0;
async function pendingRetraction(e2e: E2E) {
  // A new dataset id each time: an identical pending request would be refused as a twin of the first.
  const id = `${DATASET_ID.slice(0, -4)}${String(1000 + retractions++)}`;
  await e2e.command(`retract committed-dataset ${id}`, REQUESTER);
  // This retraction's own plan (the channel holds the earlier ones too), then its stored operation.
  const plan = snapshot(await e2e.planMessage((m) => JSON.stringify(m).includes(id)));
  const op = await waitFor(async () => (await e2e.bot.store.listByState(['awaiting_approval'])).find((o) => (o.input as { id?: string }).id === id), {
    what: 'the pending retraction',
  });
  return { plan, op };
}

/** A retraction whose step was interrupted (stored as a crash would leave it). */
async function interruptedRetraction(e2e: E2E) {
  const { plan, op } = await pendingRetraction(e2e);
  const now = new Date().toISOString();
  const step = op.plan.steps[0]!;
  const result = {
    stepId: step.id,
    attempt: 1,
    outcome: 'interrupted' as const,
    summary: 'The bot stopped',
    details: [],
    externalIds: {},
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
  };
  await e2e.bot.store.update({ ...op, state: 'interrupted', expiresAt: undefined, results: [result] }, [
    { actor: 'system', type: 'interrupted', detail: { stepId: step.id } },
  ]);
  return { plan, op };
}

type Scenario = (e2e: E2E) => Promise<{ value: string; messageTs: string }>;

/** One scenario per action id: the state in which its click could lead to a mutating step. */
const SCENARIOS: Record<string, Scenario> = {
  op_approve: async (e2e) => {
    const { plan, op } = await pendingRetraction(e2e);
    return { value: approveValue(op, op.plan.steps[0]!), messageTs: plan.ts };
  },
  // The confirmation answer is an approval: the same value shape, the same gate.
  op_confirm: async (e2e) => {
    const { plan, op } = await pendingRetraction(e2e);
    return { value: approveValue(op, op.plan.steps[0]!), messageTs: plan.ts };
  },
  op_cancel: async (e2e) => {
    const { plan, op } = await pendingRetraction(e2e);
    return { value: op.id, messageTs: plan.ts };
  },
  op_run_again: async (e2e) => {
    const { plan, op } = await interruptedRetraction(e2e);
    return { value: op.id, messageTs: plan.ts };
  },
  op_check_state: async (e2e) => {
    const { plan, op } = await interruptedRetraction(e2e);
    return { value: op.id, messageTs: plan.ts };
  },
  rollback_pick_build: async (e2e) => {
    const { plan, op } = await pendingRetraction(e2e);
    // A rollback awaiting approval, stored directly (no CloudFormation needed to prove the gate).
    await e2e.bot.store.insert({ ...op, id: 'op-rollbk01', runbook: 'rollback', input: { service: 'metapod', shards: [], inPlace: false }, version: 0 }, []);
    return { value: 'op-rollbk01|6c957ed', messageTs: plan.ts };
  },
  // Exporting a finished operation's timeline is read-only, but only from its own channel and workspace.
  op_export: async (e2e) => {
    const { plan, op } = await pendingRetraction(e2e);
    await e2e.bot.store.update({ ...op, state: 'cancelled', expiresAt: undefined }, [{ actor: REQUESTER, type: 'cancelled', detail: {} }]);
    return { value: `export|${op.id}`, messageTs: plan.ts };
  },
  alarm_offer: (e2e) => {
    const value = JSON.stringify({ r: 'build-failure', c: CHANNEL, w: 'T0001', t: '1700000000.000100', i: { transactionId: TX } });
    return Promise.resolve({ value, messageTs: e2e.slack.topLevel(CHANNEL).at(-1)?.ts ?? '1700000000.000200' });
  },
};

/** Which of the four refusals apply: starting an operation (offer) or looking (check) is open to anyone in the channel. */
const CHANNEL_ONLY = new Set(['alarm_offer', 'op_check_state', 'op_export']);
/** Those the requester may use on their own operation (it never runs anything): cancelling, asking for a re-run, picking another build. */
const REQUESTER_MAY = new Set(['op_cancel', 'op_run_again', 'rollback_pick_build']);

/**
 * Ids that only open or fill in the runbook form: they touch no operation, and the form's submission
 * proposes through the slash command's path (open to anyone, as typing the command is).
 */
const OPENS_A_FORM = new Set(['open_runbook_form', 'form_pick_runbook']);

describe('one approval gate for every registered action id', () => {
  const registered: string[] = [];
  let e2e: E2E;
  beforeAll(async () => {
    const action = jest.spyOn(App.prototype, 'action');
    // GoCD configured (never called here) so that the rollback, and its plan menu, are registered.
    e2e = await startE2E({ env: { APPROVERS: APPROVER, GOCD_URL: 'http://127.0.0.1:9' } });
    for (const call of action.mock.calls) {
      const c = call[0] as unknown;
      registered.push(typeof c === 'string' ? c : String((c as { action_id?: unknown }).action_id));
    }
    action.mockRestore();
  });
  afterAll(async () => {
    await e2e.close();
    e2e.metapod.assertNoUnexpected();
  });

  it('has a gate scenario for every action id the Bolt app registered (a new button without one fails here)', () => {
    expect(registered.length).toBeGreaterThanOrEqual(7);
    expect([...registered].filter((id) => !OPENS_A_FORM.has(id)).sort()).toEqual(Object.keys(SCENARIOS).sort());
    expect(registered.filter((id) => OPENS_A_FORM.has(id)).sort()).toEqual([...OPENS_A_FORM].sort());
  });

  it.each(Object.keys(SCENARIOS))(
    '%s: refused for the requester, a non-approver and foreign channels and workspaces; nothing mutating reaches Metapod',
    async (actionId) => {
      const target = await SCENARIOS[actionId]!(e2e);
      for (const who of REFUSED) {
        if (CHANNEL_ONLY.has(actionId) && who.channelId === CHANNEL && who.teamId === 'T0001') continue;
        if (REQUESTER_MAY.has(actionId) && who.user === REQUESTER) continue;
        const before = e2e.slack.ephemerals.filter((x) => x.user === who.user).length + e2e.slack.responses.length;
        expect((await click(e2e, actionId, target.value, target.messageTs, who)).status).toBe(200);
        const shown = await waitFor(
          () => {
            const eph = e2e.slack.ephemerals.filter((x) => x.user === who.user).map((x) => x.text);
            const all = [...eph, ...e2e.slack.responses.map((r) => JSON.stringify(r.body))];
            return all.length > before ? all.slice(before - all.length).join('\n') : undefined;
          },
          { what: `the refusal shown to ${who.who}` },
        );
        expect(shown).toMatch(/:no_entry:/);
      }
      await e2e.bot.engine.idle();
      expect(e2e.metapod.requests).toEqual([]);
    },
  );
});

describe('a re-run of an interrupted step keeps four eyes (crash and restart on one database)', () => {
  it("refuses the re-runner's and the original requester's approvals, accepts a third person's, and runs the step exactly once more", async () => {
    const slack = await startSlackEmulator();
    const metapod = await startMetapodFake();
    const databasePath = tempDatabase();
    try {
      metapod.respond({ hang: true });
      const first = await startE2E({ slack, metapod, databasePath });
      await first.command(`retract committed-dataset ${DATASET_ID}`, REQUESTER);
      const plan = snapshot(await first.planMessage());
      await first.click(plan, 'op_approve', APPROVER);
      await waitFor(() => metapod.requests.length === 1, { what: 'the hanging Metapod request' });
      await first.close(); // the process stops mid-step: the step is recorded as interrupted
      metapod.respond({});
      const second = await startE2E({ slack, metapod, databasePath });
      try {
        const stuck = snapshot(await messageShowing(slack, plan.ts, /Interrupted/));
        const send = (m: typeof plan, id: string, user: string) => second.post(clickButton(m, id, { userId: user, responseUrl: slack.newResponseUrl() }));
        await send(stuck, 'op_run_again', 'URERUN');
        const again = snapshot(await messageShowing(slack, plan.ts, /Awaiting approval/));
        for (const user of ['URERUN', REQUESTER]) {
          await send(again, 'op_approve', user);
          const refusal = await waitFor(() => slack.ephemerals.filter((x) => x.user === user).at(-1)?.text, { what: `the refusal for ${user}` });
          expect(refusal).toMatch(/cannot approve/);
        }
        expect(slack.ephemerals.find((x) => x.user === 'URERUN')!.text).toMatch(/asked to run this step again/);
        expect(metapod.requests).toHaveLength(1);
        await send(again, 'op_approve', 'UTHIRD');
        await messageShowing(slack, plan.ts, /Succeeded/, 10_000);
        expect(metapod.requests).toHaveLength(2);
        const op = (await second.bot.store.listRecent(1))[0]!;
        const audit = await second.bot.store.auditTrail(op.id);
        expect(audit.filter((a) => a.type === 'rerun_requested').map((a) => a.actor)).toEqual(['URERUN']);
        expect(audit.filter((a) => a.type === 'approved').map((a) => [a.actor, a.detail.rerunRequestedBy])).toEqual([
          [APPROVER, undefined],
          ['UTHIRD', ['URERUN']],
        ]);
      } finally {
        await second.close();
      }
      slack.assertNoUnexpected();
      metapod.assertNoUnexpected();
    } finally {
      await slack.close();
      await metapod.close();
    }
  });
});

describe('identifiers never change an Airflow URL', () => {
  it('refuses `/runbook build-failure <tx> --dag ..` with a clear message before any request', async () => {
    const airflow = await startAirflowFake({ username: 'bot', password: 'pw' });
    const e2e = await startE2E({ env: { AIRFLOW_URL: airflow.url, AIRFLOW_USERNAME: 'bot', AIRFLOW_PASSWORD: 'pw' } });
    try {
      for (const dag of ['..', '.']) {
        const res = await e2e.command(`build-failure ${TX} --dag ${dag}`);
        expect(res.status).toBe(200);
        expect(textOf(res.json as { text?: string; blocks?: Record<string, unknown>[] })).toMatch(/is not an Airflow DAG id: `\.` and `\.\.` are not names/);
      }
      const run = await e2e.command(`build-failure ${TX} --run ..`);
      expect(textOf(run.json as { text?: string; blocks?: Record<string, unknown>[] })).toMatch(/is not an Airflow DAG run id/);
      await new Promise((r) => setTimeout(r, 200));
      expect([...airflow.requests, ...airflow.unexpected]).toEqual([]);
      expect(e2e.slack.topLevel(CHANNEL)).toEqual([]);
    } finally {
      await e2e.close();
      await airflow.close();
    }
  });
});
