import {
  approvalsRequired,
  checkApprover,
  describeApprovers,
  isGroupId,
  isListedApprover,
  mayCancel,
  type ApprovalPolicy,
} from '../../../src/operations/policy';
import type { Approval, Operation } from '../../../src/operations/types';
import { FakeDirectory, stepFixture } from '../builders';

const mutating = stepFixture('s1', 'mutating');
const destructive = stepFixture('s2', 'destructive');

function policy(approvers: string[] = [], groups: Record<string, string[]> = {}): ApprovalPolicy & { directory: FakeDirectory } {
  return { approvers, directory: new FakeDirectory(groups) };
}

function op(approvals: Pick<Approval, 'userId' | 'stepId'>[] = []): Pick<Operation, 'requester' | 'approvals'> {
  return { requester: 'UREQ', approvals: approvals.map((a) => ({ ...a, fingerprint: 'f'.repeat(16), at: '2026-11-24T10:00:00.000Z' })) };
}

describe('approvalsRequired', () => {
  it('needs none for read-only, one for mutating and two for destructive', () => {
    expect(approvalsRequired('read-only')).toBe(0);
    expect(approvalsRequired('mutating')).toBe(1);
    expect(approvalsRequired('destructive')).toBe(2);
  });
});

describe('describeApprovers', () => {
  it('says any member except the requester when the list is empty', () => {
    expect(describeApprovers({ approvers: [] })).toMatch(/^any member .* except the requester$/);
  });

  it('renders users as mentions and groups as subteam mentions', () => {
    expect(describeApprovers({ approvers: ['U0AAA1', 'W0BBB2', 'S0CCC3'] })).toBe('<@U0AAA1>, <@W0BBB2>, <!subteam^S0CCC3>');
  });

  it('treats only S… ids as groups', () => {
    expect(isGroupId('S0CCC3')).toBe(true);
    expect(isGroupId('U0AAA1')).toBe(false);
    expect(isGroupId('W0BBB2')).toBe(false);
  });
});

describe('checkApprover', () => {
  it('refuses the requester with the four-eyes reason', async () => {
    const decision = await checkApprover(policy(), op(), mutating, 'UREQ');
    expect(decision).toMatchObject({ allowed: false, code: 'requester' });
    expect(!decision.allowed && decision.reason).toMatch(/four-eyes/);
  });

  it('refuses the requester even when they are a listed approver', async () => {
    expect(await checkApprover(policy(['UREQ']), op(), mutating, 'UREQ')).toMatchObject({ allowed: false, code: 'requester' });
  });

  it('allows anyone else when no approver list is configured', async () => {
    expect(await checkApprover(policy(), op(), mutating, 'UOTHER')).toEqual({ allowed: true });
  });

  it('refuses the same user approving the same step twice', async () => {
    const decision = await checkApprover(policy(), op([{ userId: 'UA', stepId: 's2' }]), destructive, 'UA');
    expect(decision).toMatchObject({ allowed: false, code: 'already_approved' });
    expect(!decision.allowed && decision.reason).toMatch(/destructive and needs 2 different approvers/);
  });

  it('lets a second, different user approve a destructive step', async () => {
    expect(await checkApprover(policy(), op([{ userId: 'UA', stepId: 's2' }]), destructive, 'UB')).toEqual({ allowed: true });
  });

  it('does not count an approval of another step', async () => {
    expect(await checkApprover(policy(), op([{ userId: 'UA', stepId: 's1' }]), destructive, 'UA')).toEqual({ allowed: true });
  });

  describe('with an APPROVERS list', () => {
    const p = () => policy(['U0AAA1', 'S0ONCALL'], { S0ONCALL: ['U0MEMBER'] });

    it('allows a listed user', async () => {
      expect(await checkApprover(p(), op(), mutating, 'U0AAA1')).toEqual({ allowed: true });
    });

    it('allows a member of a listed group, looked up in the directory', async () => {
      const pol = p();
      expect(await checkApprover(pol, op(), mutating, 'U0MEMBER')).toEqual({ allowed: true });
      expect(pol.directory.lookups).toEqual(['S0ONCALL']);
    });

    it('refuses anyone else and says who may approve', async () => {
      const decision = await checkApprover(p(), op(), mutating, 'UOUTSIDER');
      expect(decision).toMatchObject({ allowed: false, code: 'not_listed' });
      expect(!decision.allowed && decision.reason).toBe('Only <@U0AAA1>, <!subteam^S0ONCALL> may approve this step.');
    });

    it('fails closed when the directory lookup throws', async () => {
      const pol = p();
      pol.directory.fail = new Error('usergroups.users.list: ratelimited');
      const decision = await checkApprover(pol, op(), mutating, 'U0MEMBER');
      expect(decision).toMatchObject({ allowed: false, code: 'lookup_failed' });
      expect(!decision.allowed && decision.reason).toMatch(/ratelimited.*Nothing was approved/);
    });

    it('does not need the directory for a directly listed user', async () => {
      const pol = p();
      pol.directory.fail = new Error('down');
      expect(await checkApprover(pol, op(), mutating, 'U0AAA1')).toEqual({ allowed: true });
    });
  });
});

describe('isListedApprover', () => {
  it('checks every listed group until one contains the user', async () => {
    const pol = policy(['S1', 'S2'], { S1: ['UX'], S2: ['UY'] });
    expect(await isListedApprover(pol, 'UY')).toBe(true);
    expect(await isListedApprover(pol, 'UZ')).toBe(false);
  });

  it('does not treat user ids as groups', async () => {
    const pol = policy(['U0AAA1'], { U0AAA1: ['UX'] });
    expect(await isListedApprover(pol, 'UX')).toBe(false);
    expect(pol.directory.lookups).toEqual([]);
  });
});

describe('mayCancel', () => {
  it('lets the requester cancel, even when not an approver', async () => {
    expect(await mayCancel(policy(['U0AAA1']), op(), 'UREQ')).toBe(true);
  });

  it('lets a listed approver or group member cancel', async () => {
    const pol = policy(['U0AAA1', 'S0ONCALL'], { S0ONCALL: ['U0MEMBER'] });
    expect(await mayCancel(pol, op(), 'U0AAA1')).toBe(true);
    expect(await mayCancel(pol, op(), 'U0MEMBER')).toBe(true);
  });

  it('refuses someone who is neither requester nor approver', async () => {
    expect(await mayCancel(policy(['U0AAA1']), op(), 'UOUTSIDER')).toBe(false);
  });

  it('lets anyone cancel when no approver list is configured', async () => {
    expect(await mayCancel(policy(), op(), 'UOUTSIDER')).toBe(true);
  });

  it('fails closed when the directory lookup throws', async () => {
    const pol = policy(['S0ONCALL']);
    pol.directory.fail = new Error('down');
    expect(await mayCancel(pol, op(), 'U0MEMBER')).toBe(false);
  });
});
