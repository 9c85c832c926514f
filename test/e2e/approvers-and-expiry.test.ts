import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, DATASET_ID, snapshot, startE2E, textOf, type E2E, messageShowing } from './harness';

describe('the approver list and the approval window', () => {
  let e2e: E2E | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e?.slack.assertNoUnexpected();
    e2e = undefined;
  });

  it('only listed users, or members of listed user groups, may approve', async () => {
    e2e = await startE2E({ env: { APPROVERS: 'UBOSS,SONCALL' }, usergroups: { SONCALL: ['UONCALL'] } });
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    expect(textOf(plan)).toContain('<@UBOSS>, <!subteam^SONCALL>');

    await e2e.click(plan, 'op_approve', 'URANDOM');
    const refusal = await waitFor(() => e2e!.ephemeralsFor('URANDOM')[0], { what: 'refusal' });
    expect(refusal).toMatch(/Only <@UBOSS>, <!subteam\^SONCALL> may approve/);
    expect(e2e.metapod.requests).toHaveLength(0);

    await e2e.click(plan, 'op_approve', 'UONCALL');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
    expect(e2e.slack.callsTo('usergroups.users.list').map((c) => c.args.usergroup)).toContain('SONCALL');
  });

  it('expires an unapproved request: buttons go, the thread says so, a late click runs nothing', async () => {
    e2e = await startE2E({ env: { APPROVAL_TTL: '1s' } });
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    const expired = await messageShowing(e2e.slack, plan.ts, /Expired/);
    expect(buttonsOf(expired)).toEqual([]);
    await waitFor(() => /Nobody approved in time/.test(e2e!.slack.threadReplies(CHANNEL, plan.ts).map(textOf).join('\n')), {
      what: 'the expiry notice in the thread',
    });

    await e2e.click(plan, 'op_approve', 'UAPP');
    const told = await waitFor(() => e2e!.ephemeralsFor('UAPP')[0], { what: 'expiry explanation' });
    expect(told).toMatch(/expired .* before it was approved\. Nothing was run/);
    expect(e2e.metapod.requests).toHaveLength(0);
  });
});
