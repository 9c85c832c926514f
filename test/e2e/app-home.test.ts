import { appHomeOpened } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

/** The Home tab as the emulator last received it for `userId`, after a signed app_home_opened event. */
async function openHome(e2e: E2E, userId: string): Promise<string> {
  const before = e2e.slack.callsTo('views.publish').length;
  const res = await e2e.post(appHomeOpened({ userId }));
  expect(res.status).toBe(200);
  await waitFor(() => e2e.slack.callsTo('views.publish').length > before, { what: `views.publish for ${userId}` });
  const view = e2e.slack.homeViews.get(userId) as { type: string; blocks: Record<string, unknown>[] };
  expect(view.type).toBe('home');
  return textOf({ blocks: view.blocks });
}

async function newPlan(e2e: E2E, text: string, userId: string) {
  const before = e2e.slack.topLevel(CHANNEL).length;
  await e2e.command(text, userId);
  return snapshot(await waitFor(() => e2e.slack.topLevel(CHANNEL)[before], { what: `the plan for ${text}` }));
}

describe('App Home tab', () => {
  let e2e: E2E;
  afterEach(async () => {
    await e2e.close();
    e2e.slack.assertNoUnexpected();
    e2e.metapod.assertNoUnexpected();
  });

  it('shows the viewer what waits for their approval, their own pending requests, and recent operations with their state', async () => {
    e2e = await startE2E();
    const pending = await newPlan(e2e, `retract committed-dataset ${DATASET_ID}`, 'UREQ');
    const done = await newPlan(e2e, `retract attribute ${DATASET_ID}`, 'UREQ');
    await e2e.click(done, 'op_approve', 'UAPP');
    await messageShowing(e2e.slack, done.ts, /Succeeded/);
    const pendingId = /`(op-[a-z0-9]{8})`/.exec(textOf(pending))![1]!;
    const doneId = /`(op-[a-z0-9]{8})`/.exec(textOf(done))![1]!;

    const approver = await openHome(e2e, 'UAPP');
    const [waiting, mine, recent] = approver.split(/Waiting for your approval|Your requests awaiting approval|Recent operations/).slice(1);
    expect(waiting).toContain(pendingId);
    expect(waiting).not.toContain(doneId);
    expect(mine).toMatch(/no requests waiting/);
    expect(recent).toMatch(new RegExp(`Succeeded · .*${doneId}`));
    // Listed above as waiting for this approver, so not repeated among the recent ones.
    expect(recent).not.toContain(pendingId);

    // The requester cannot approve their own request: it is listed as theirs, not as waiting for them.
    const requester = await openHome(e2e, 'UREQ');
    const [waitingReq, mineReq] = requester.split(/Waiting for your approval|Your requests awaiting approval|Recent operations/).slice(1);
    expect(waitingReq).toMatch(/Nothing is waiting for your approval/);
    expect(mineReq).toContain(pendingId);
    expect(e2e.metapod.requests).toHaveLength(1);
  });

  it('lists only what the viewer may approve when APPROVERS is set', async () => {
    e2e = await startE2E({ env: { APPROVERS: 'UAPP' } });
    const pending = await newPlan(e2e, `retract committed-dataset ${DATASET_ID}`, 'UREQ');
    const pendingId = /`(op-[a-z0-9]{8})`/.exec(textOf(pending))![1]!;
    expect(await openHome(e2e, 'UAPP')).toMatch(new RegExp(`Waiting for your approval[^]*${pendingId}[^]*Your requests`));
    expect(await openHome(e2e, 'UOTHER')).toMatch(/Nothing is waiting for your approval/);
  });

  it('publishes nothing for the Messages tab', async () => {
    e2e = await startE2E();
    const res = await e2e.post(appHomeOpened({ userId: 'UAPP', tab: 'messages' }));
    expect(res.status).toBe(200);
    // A Home event sent afterwards is answered, so the Messages one had its chance to publish first.
    await openHome(e2e, 'UREQ');
    expect(e2e.slack.callsTo('views.publish').map((c) => c.args.user_id)).toEqual(['UREQ']);
  });
});
