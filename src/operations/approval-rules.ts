import picomatch from 'picomatch';
import { z } from 'zod';
import type { ApprovalsSection, ApproverSet } from '../config-file/approval-policies';
import type { Approval, Operation, Step } from './types';

/** The approval rule of one risk of one operation, resolved when it was proposed and stored with it. */
export interface ResolvedRule {
  /** The policy that matched (its name, or `policies[i]`); absent for the built-in default. */
  policy?: string;
  risk: 'mutating' | 'destructive';
  /** Distinct approvers needed. */
  count: number;
  /** Who may approve; absent means any member of the channel. */
  approvers?: ApproverSet;
  exclude: { users: string[]; groups: string[] };
  /** Schedule name: one of the approvers must be on call for it when approving. */
  requireOnCall?: string;
  escalateTo?: ApproverSet;
}

/** The rules an operation was proposed under, by risk. */
export type ApprovalRules = Partial<Record<'mutating' | 'destructive', ResolvedRule>>;

/** The four-eyes minimum, which no policy can lower. */
const MINIMUM: Record<'mutating' | 'destructive', number> = { mutating: 1, destructive: 2 };

/** Who is on call now for a named schedule, as Slack user ids. Throws when the provider cannot tell. */
export interface OnCallDirectory {
  onCallNow(schedule: string): Promise<{ userIds: string[]; unmapped: string[] }>;
}

/** Looks up who belongs to a user group. */
export interface GroupDirectory {
  groupMembers(groupId: string): Promise<string[]>;
}

const TargetFields = z.object({ service: z.string(), table: z.string(), job: z.string() }).partial().loose();

/** What an operation acts on, for `targets:` globs: the service, table or job in its input and facts. */
export function targetsOf(input: unknown, facts: Record<string, unknown>): string[] {
  const fromInput = TargetFields.safeParse(input);
  const fromFacts = TargetFields.safeParse(facts);
  const values = [fromInput, fromFacts].flatMap((r) => (r.success ? [r.data.service, r.data.table, r.data.job] : []));
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

/** Splits APPROVERS (user and group ids) into an approver set; empty means anyone. */
export function approverSetOf(ids: readonly string[]): ApproverSet | undefined {
  if (ids.length === 0) return undefined;
  return { users: ids.filter((id) => !id.startsWith('S')), groups: ids.filter((id) => id.startsWith('S')), oncall: [] };
}

/** Resolves the rule of each risk for `runbook` acting on `targets`: the first matching policy, else the defaults. */
export function resolveRules(section: ApprovalsSection, defaultApprovers: readonly string[], runbook: string, targets: readonly string[]): ApprovalRules {
  const rules: ApprovalRules = {};
  for (const risk of ['mutating', 'destructive'] as const) {
    const index = section.policies.findIndex(
      (p) =>
        (!p.runbooks || p.runbooks.includes(runbook)) &&
        (!p.risks || p.risks.includes(risk)) &&
        (!p.targets || targets.some((t) => p.targets!.some((glob) => picomatch.isMatch(t, glob, { nocase: true })))),
    );
    const p = index >= 0 ? section.policies[index] : undefined;
    const approvers = p?.approvers ?? approverSetOf(defaultApprovers);
    rules[risk] = {
      ...(p ? { policy: p.name ?? `policies[${index}]` } : {}),
      risk,
      count: Math.max(MINIMUM[risk], p?.count ?? 0),
      ...(approvers ? { approvers } : {}),
      exclude: { users: p?.exclude?.users ?? [], groups: p?.exclude?.groups ?? [] },
      ...(p?.requireOnCall ? { requireOnCall: p.requireOnCall } : {}),
      ...(p?.escalateTo ? { escalateTo: p.escalateTo } : {}),
    };
  }
  return rules;
}

/** The rule the operation stored for `step`'s risk; undefined for read-only steps and older operations. */
export function ruleFor(op: Pick<Operation, 'approvalRules'>, step: Pick<Step, 'risk'>): ResolvedRule | undefined {
  return step.risk === 'read-only' ? undefined : op.approvalRules?.[step.risk];
}

/** Distinct approvals `step` needs: the stored rule's count, else the four-eyes default. */
export function requiredApprovals(op: Pick<Operation, 'approvalRules'>, step: Pick<Step, 'risk'>): number {
  if (step.risk === 'read-only') return 0;
  return ruleFor(op, step)?.count ?? MINIMUM[step.risk];
}

/** An approver set in Slack mrkdwn: mentions of users and groups, and on-call schedules by name. */
export function describeSet(set: ApproverSet): string {
  const names = [...set.users.map((u) => `<@${u}>`), ...set.groups.map((g) => `<!subteam^${g}>`), ...set.oncall.map((s) => `whoever is on call for ${s}`)];
  return names.length === 0 ? 'nobody' : names.join(', ');
}

/** The rule in words, e.g. "needs 1 of <!subteam^S1>, not the requester" (mrkdwn). */
export function describeRule(rule: ResolvedRule): string {
  const excluded = [...rule.exclude.groups.map((g) => `, not <!subteam^${g}>`), ...rule.exclude.users.map((u) => `, not <@${u}>`)].join('');
  const oncall = rule.requireOnCall ? `; one of them on call for ${rule.requireOnCall}` : '';
  const who = rule.approvers
    ? `${rule.count} of ${describeSet(rule.approvers)}, not the requester`
    : `${rule.count} approver${rule.count === 1 ? '' : 's'}: any member of the channel except the requester`;
  return `needs ${who}${excluded}${oncall}`;
}

export type RuleDecision =
  { allowed: true; onCall?: boolean } | { allowed: false; code: 'excluded' | 'not_listed' | 'lookup_failed' | 'not_on_call'; reason: string };

const failed = (what: string, err: unknown): RuleDecision => ({
  allowed: false,
  code: 'lookup_failed',
  reason: `Could not check ${what} (${err instanceof Error ? err.message : String(err)}). Nothing was approved; try again.`,
});

async function inAnyGroup(groups: readonly string[], userId: string, directory: GroupDirectory): Promise<boolean> {
  for (const g of groups) if ((await directory.groupMembers(g)).includes(userId)) return true;
  return false;
}

/**
 * Whether `userId` may add an approval under `rule`, given the approvals already recorded for the step.
 * The requester and repeat approvals are refused by the caller. Fails closed when a lookup fails.
 */
export async function evaluateRule(
  rule: ResolvedRule,
  prior: readonly Approval[],
  userId: string,
  deps: { groups: GroupDirectory; oncall?: OnCallDirectory },
): Promise<RuleDecision> {
  try {
    if (rule.exclude.users.includes(userId) || (await inAnyGroup(rule.exclude.groups, userId, deps.groups))) {
      return { allowed: false, code: 'excluded', reason: `This step's rule ${describeRule(rule)}: you are excluded from approving it.` };
    }
  } catch (err) {
    return failed('approver group membership', err);
  }
  const onCallFor = async (schedule: string): Promise<boolean> => {
    if (!deps.oncall) throw new Error(`no on-call provider is configured for ${schedule}`);
    return (await deps.oncall.onCallNow(schedule)).userIds.includes(userId);
  };
  if (rule.approvers) {
    let listed = rule.approvers.users.includes(userId);
    try {
      listed ||= await inAnyGroup(rule.approvers.groups, userId, deps.groups);
    } catch (err) {
      return failed('approver group membership', err);
    }
    for (const schedule of rule.approvers.oncall) {
      if (listed) break;
      try {
        listed = await onCallFor(schedule);
      } catch (err) {
        return failed(`who is on call for ${schedule}`, err);
      }
    }
    if (!listed) return { allowed: false, code: 'not_listed', reason: `Only ${describeSet(rule.approvers)} may approve this step.` };
  }
  if (!rule.requireOnCall) return { allowed: true };
  let onCall: boolean;
  try {
    onCall = await onCallFor(rule.requireOnCall);
  } catch (err) {
    // The policy requires on call and we cannot tell who is: refuse rather than guess.
    return failed(`who is on call for ${rule.requireOnCall}, which this step's rule requires`, err);
  }
  const last = prior.length + 1 >= rule.count;
  if (last && !onCall && !prior.some((a) => a.onCall === true)) {
    return {
      allowed: false,
      code: 'not_on_call',
      reason: `This step's rule ${describeRule(rule)}. You are not on call for ${rule.requireOnCall} now and nobody on call has approved yet, so your approval cannot be the last one.`,
    };
  }
  return { allowed: true, onCall };
}

/**
 * Whether `userId` is an approver of anything: listed in APPROVERS or by any policy (users, groups, on
 * call). When no list is configured anywhere, anyone may approve, so anyone counts. Throws when a lookup fails.
 */
export async function isAnyApprover(
  section: ApprovalsSection,
  defaultApprovers: readonly string[],
  userId: string,
  deps: { groups: GroupDirectory; oncall?: OnCallDirectory },
): Promise<boolean> {
  const sets = [approverSetOf(defaultApprovers), ...section.policies.flatMap((p) => [p.approvers, p.escalateTo])].filter(
    (s): s is ApproverSet => s !== undefined,
  );
  if (sets.length === 0) return true;
  for (const set of sets) {
    if (set.users.includes(userId)) return true;
    if (await inAnyGroup(set.groups, userId, deps.groups)) return true;
    for (const schedule of set.oncall) {
      if (deps.oncall && (await deps.oncall.onCallNow(schedule)).userIds.includes(userId)) return true;
    }
  }
  return false;
}
