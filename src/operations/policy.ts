import { evaluateRule, ruleFor, type OnCallDirectory } from './approval-rules';
import type { Operation, Risk, Step } from './types';

/** Looks up who belongs to a user group (Slack: usergroups.users.list). */
export interface ApproverDirectory {
  groupMembers(groupId: string): Promise<string[]>;
}

export interface ApprovalPolicy {
  /** Slack user ids (U..., W...) and user group ids (S...); empty means any member but the requester. */
  approvers: readonly string[];
  directory: ApproverDirectory;
  /** Who is on call, for rules that name or require on-call schedules. */
  oncall?: OnCallDirectory;
}

export type ApprovalDecision =
  | { allowed: true; onCall?: boolean }
  | { allowed: false; code: 'requester' | 'not_listed' | 'already_approved' | 'lookup_failed' | 'excluded' | 'not_on_call'; reason: string };

/** How many distinct approvers a step needs before it may run. */
export function approvalsRequired(risk: Risk): number {
  if (risk === 'read-only') return 0;
  return risk === 'mutating' ? 1 : 2;
}

/** True for a Slack user group id (subteam), which approves through its members. */
export function isGroupId(id: string): boolean {
  return id.startsWith('S');
}

/** Human-readable "who may approve", in Slack mrkdwn. */
export function describeApprovers(policy: Pick<ApprovalPolicy, 'approvers'>): string {
  if (policy.approvers.length === 0) return 'any member of the channel except the requester';
  return policy.approvers.map((id) => (isGroupId(id) ? `<!subteam^${id}>` : `<@${id}>`)).join(', ');
}

/** Whether `userId` is on the approver list (directly or through a user group). */
export async function isListedApprover(policy: ApprovalPolicy, userId: string): Promise<boolean> {
  if (policy.approvers.length === 0) return true;
  if (policy.approvers.includes(userId)) return true;
  for (const group of policy.approvers.filter(isGroupId)) {
    const members = await policy.directory.groupMembers(group);
    if (members.includes(userId)) return true;
  }
  return false;
}

/** Decides whether `userId` may add an approval to `step` of `op`. Fails closed when a lookup fails. */
export async function checkApprover(
  policy: ApprovalPolicy,
  op: Pick<Operation, 'requester' | 'approvals' | 'approvalRules'>,
  step: Step,
  userId: string,
): Promise<ApprovalDecision> {
  if (userId === op.requester) {
    return {
      allowed: false,
      code: 'requester',
      reason: 'You requested this operation, so you cannot approve it: someone else must (four-eyes rule).',
    };
  }
  if (op.approvals.some((a) => a.stepId === step.id && a.userId === userId)) {
    return {
      allowed: false,
      code: 'already_approved',
      reason: `You already approved this step. It is ${step.risk} and needs ${ruleFor(op, step)?.count ?? approvalsRequired(step.risk)} different approvers.`,
    };
  }
  // Operations proposed under a configured rule are judged by the rule they stored (see approval-rules.ts).
  const rule = ruleFor(op, step);
  if (rule)
    return evaluateRule(
      rule,
      op.approvals.filter((a) => a.stepId === step.id),
      userId,
      { groups: policy.directory, oncall: policy.oncall },
    );
  try {
    if (!(await isListedApprover(policy, userId))) {
      return { allowed: false, code: 'not_listed', reason: `Only ${describeApprovers(policy)} may approve this step.` };
    }
  } catch (err) {
    return {
      allowed: false,
      code: 'lookup_failed',
      reason: `Could not check approver group membership (${(err as Error).message}). Nothing was approved; try again.`,
    };
  }
  return { allowed: true };
}

/** Who may cancel: the requester, or anyone who could approve. */
export async function mayCancel(policy: ApprovalPolicy, op: Pick<Operation, 'requester'>, userId: string): Promise<boolean> {
  if (userId === op.requester) return true;
  try {
    return await isListedApprover(policy, userId);
  } catch {
    return false;
  }
}
