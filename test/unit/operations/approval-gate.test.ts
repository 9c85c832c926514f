import { checkApproval, requestersOf, type GatedOperation } from '../../../src/operations/approval-gate';
import type { ApprovalPolicy } from '../../../src/operations/policy';
import { FakeDirectory, stepFixture } from '../builders';

const step = stepFixture('s1', 'mutating');
const here = { channel: 'CDATA', team: 'T0001' };

function policy(approvers: string[] = []): ApprovalPolicy {
  return { approvers, directory: new FakeDirectory({}) };
}

function op(extra: Partial<GatedOperation> = {}): GatedOperation {
  return { runbook: 'fake', requester: 'UREQ', approvals: [], location: { channel: 'CDATA', team: 'T0001' }, ...extra };
}

describe('checkApproval (the one gate every button passes)', () => {
  it.each(['approve', 'rerun', 'cancel', 'check'] as const)('refuses a %s click from another channel or workspace, even by an approver', async (role) => {
    for (const from of [
      { channel: 'COTHER', team: 'T0001' },
      { channel: 'CDATA', team: 'TFOREIGN' },
      { channel: 'CDATA', team: undefined },
      { channel: undefined, team: 'T0001' },
    ]) {
      const decision = await checkApproval(policy(['UAPP']), { role, operation: op(), step, user: 'UAPP', from });
      expect(decision).toMatchObject({ allowed: false, code: from.channel === 'CDATA' ? 'foreign_team' : 'foreign_channel' });
    }
    expect(await checkApproval(policy(['UAPP']), { role, operation: op(), step, user: 'UAPP', from: here })).toEqual({ allowed: true });
  });

  it('checks only the channel of an operation stored before its workspace was recorded', async () => {
    const legacy = op({ location: { channel: 'CDATA' } });
    expect(await checkApproval(policy(), { role: 'approve', operation: legacy, step, user: 'UAPP', from: { channel: 'CDATA', team: 'TANY' } })).toEqual({
      allowed: true,
    });
    expect(await checkApproval(policy(), { role: 'approve', operation: legacy, step, user: 'UAPP', from: { channel: 'COTHER', team: 'TANY' } })).toMatchObject({
      code: 'foreign_channel',
    });
  });

  it('never lets the requester or a re-runner approve; both may cancel and ask to run again', async () => {
    const rerun = op({ reruns: [{ userId: 'URERUN', stepId: 's1', attempt: 2, at: '2026-12-05T10:00:00.000Z' }] });
    expect(requestersOf(rerun)).toEqual(['UREQ', 'URERUN']);
    expect(await checkApproval(policy(), { role: 'approve', operation: rerun, step, user: 'UREQ', from: here })).toMatchObject({ code: 'requester' });
    expect(await checkApproval(policy(), { role: 'approve', operation: rerun, step, user: 'URERUN', from: here })).toMatchObject({ code: 'rerun_requester' });
    expect(await checkApproval(policy(), { role: 'approve', operation: rerun, step, user: 'UTHIRD', from: here })).toEqual({ allowed: true });
    for (const role of ['cancel', 'rerun'] as const) {
      expect(await checkApproval(policy(['UAPP']), { role, operation: rerun, step, user: 'URERUN', from: here })).toEqual({ allowed: true });
      expect(await checkApproval(policy(['UAPP']), { role, operation: rerun, step, user: 'USTRANGER', from: here })).toMatchObject({ code: 'not_allowed' });
    }
  });

  it('counts only listed approvers when APPROVERS is set, and fails closed when a group lookup fails', async () => {
    expect(await checkApproval(policy(['UAPP']), { role: 'approve', operation: op(), step, user: 'USTRANGER', from: here })).toMatchObject({
      code: 'not_listed',
    });
    const broken: ApprovalPolicy = { approvers: ['SGROUP'], directory: { groupMembers: () => Promise.reject(new Error('slack down')) } };
    expect(await checkApproval(broken, { role: 'rerun', operation: op(), step, user: 'UX', from: here })).toMatchObject({ code: 'lookup_failed' });
  });

  it('lists without a click (App Home) by the same rules, origin aside', async () => {
    expect(await checkApproval(policy(), { role: 'approve', operation: op(), step, user: 'UAPP', from: 'listing' })).toEqual({ allowed: true });
    expect(await checkApproval(policy(), { role: 'approve', operation: op(), step, user: 'UREQ', from: 'listing' })).toMatchObject({ allowed: false });
  });

  it("accepts an offer click only from the offer's channel and workspace", async () => {
    const home = { channel: 'CDATA', team: 'T0001' };
    expect(await checkApproval(policy(), { role: 'propose', home, user: 'UX', from: here })).toEqual({ allowed: true });
    expect(await checkApproval(policy(), { role: 'propose', home, user: 'UX', from: { channel: 'COTHER', team: 'T0001' } })).toMatchObject({
      code: 'foreign_channel',
    });
    expect(await checkApproval(policy(), { role: 'propose', home, user: 'UX', from: { channel: 'CDATA', team: 'TFOREIGN' } })).toMatchObject({
      code: 'foreign_team',
    });
  });
});
