import { checkApprover, describeApprovers, isListedApprover, type ApprovalPolicy } from './policy';
import { gateOf } from './gates';
import type { Operation, Step } from './types';

/**
 * What a click asks for. `approve` adds an approval (Approve, a confirmation answer); `rerun` sends an
 * interrupted step back to its gate; `cancel` ends the operation (Cancel, Close, a menu that replaces
 * it); `check` is a read-only look; `propose` starts a new operation from a button (an alarm offer).
 */
export type GateRole = 'approve' | 'rerun' | 'cancel' | 'check' | 'propose';

/** Where a click came from, as Slack's payload says (channel id, workspace id). */
export interface ClickOrigin {
  channel: string | undefined;
  team: string | undefined;
}

/** Where the clicked thing lives; `team` is absent for operations stored before it was recorded (then only the channel is checked). */
export interface GateHome {
  channel: string;
  team?: string;
}

/** The parts of an operation the gate reads. */
export type GatedOperation = Pick<Operation, 'requester' | 'approvals' | 'location' | 'runbook'> & Partial<Pick<Operation, 'reruns'>>;

/** One question to the gate: may `user` do `role` from `from`? `'listing'` means nothing was clicked (App Home lists what a user may approve). */
export type GateRequest =
  | { role: 'approve' | 'rerun' | 'cancel' | 'check'; operation: GatedOperation; step: Step; user: string; from: ClickOrigin | 'listing' }
  | { role: 'propose'; home: GateHome; user: string; from: ClickOrigin };

export type GateRefusal =
  | 'foreign_channel'
  | 'foreign_team'
  | 'requester'
  | 'rerun_requester'
  | 'already_approved'
  | 'not_listed'
  | 'not_allowed'
  | 'lookup_failed'
  | 'excluded'
  | 'not_on_call';

export type GateDecision = { allowed: true; onCall?: boolean } | { allowed: false; code: GateRefusal; reason: string };

/** Everyone who asked for this operation: the original requester and whoever asked to run a step again. */
export function requestersOf(op: Pick<Operation, 'requester'> & Partial<Pick<Operation, 'reruns'>>): string[] {
  return [...new Set([op.requester, ...(op.reruns ?? []).map((r) => r.userId)])];
}

/**
 * The one approval gate every button passes (Approve, confirmation answers, Run again, Cancel/Close,
 * Check state, menus, alarm offers) and App Home's list uses. Fails closed: a click from another
 * channel or workspace than the operation's is refused; nobody who asked for the operation (original
 * requester or re-runner) approves it; approvals count only from listed approvers when a list is set.
 */
export async function checkApproval(policy: ApprovalPolicy, req: GateRequest): Promise<GateDecision> {
  const home = req.role === 'propose' ? req.home : { channel: req.operation.location.channel, team: req.operation.location.team };
  if (req.from !== 'listing') {
    const where = checkOrigin(home, req.from);
    if (where) return where;
  }
  if (req.role === 'propose' || req.role === 'check') return { allowed: true };
  const op = req.operation;
  if (req.role === 'approve') {
    if (req.user === op.requester) {
      // A confirmation's answer is its approval: the same rule, said as what the button asked.
      const what = gateOf(req.step).type === 'confirmation' ? 'answer its question' : 'approve it';
      return { allowed: false, code: 'requester', reason: `You requested this operation, so you cannot ${what}: someone else must (four-eyes rule).` };
    }
    if (requestersOf(op).includes(req.user)) {
      return {
        allowed: false,
        code: 'rerun_requester',
        reason:
          'You asked to run this step again, so you are a requester of the re-run and cannot approve it: someone who is neither the original requester nor you must (four-eyes rule).',
      };
    }
    return checkApprover(policy, op, req.step, req.user);
  }
  // Cancel and Run again: those who asked for the operation, or anyone who could approve it.
  if (requestersOf(op).includes(req.user)) return { allowed: true };
  try {
    if (await isListedApprover(policy, req.user)) return { allowed: true };
  } catch (err) {
    return {
      allowed: false,
      code: 'lookup_failed',
      reason: `Could not check approver group membership (${(err as Error).message}). Nothing was changed; try again.`,
    };
  }
  const what = req.role === 'rerun' ? 'ask to run this step again' : 'cancel this operation';
  return { allowed: false, code: 'not_allowed', reason: `Only the requester or ${describeApprovers(policy)} may ${what}.` };
}

function checkOrigin(home: GateHome, from: ClickOrigin): GateDecision | undefined {
  if (from.channel !== home.channel) {
    return {
      allowed: false,
      code: 'foreign_channel',
      reason: `This button belongs to an operation in <#${home.channel}>; clicks from anywhere else are refused.`,
    };
  }
  if (home.team !== undefined && from.team !== home.team) {
    return {
      allowed: false,
      code: 'foreign_team',
      reason: 'This button belongs to another Slack workspace than the one it was clicked from; such clicks are refused.',
    };
  }
  return undefined;
}
