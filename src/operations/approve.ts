// The two clicks on a plan waiting at its gate, apart from the engine that runs steps: each is one
// compare-and-set write with a typed outcome per case, checked against the policy before anything runs.
import { attemptOf, changeOperation, currentStep, finishOperation, isExpired, transition } from './changes';
import { stepFingerprint } from './fingerprint';
import { checkApproval, type ClickOrigin } from './approval-gate';
import { requiredApprovals } from './approval-rules';
import type { EngineParts } from './recovery';
import type { Operation, Step } from './types';

export type ApproveOutcome =
  | { kind: 'approved'; op: Operation; remaining: number }
  | { kind: 'refused'; op: Operation; reason: string }
  | { kind: 'not_pending'; op: Operation }
  | { kind: 'stale'; op: Operation }
  | { kind: 'expired'; op: Operation }
  | { kind: 'not_found' };

export type CancelOutcome =
  { kind: 'cancelled'; op: Operation } | { kind: 'refused'; op: Operation; reason: string } | { kind: 'not_pending'; op: Operation } | { kind: 'not_found' };

/** An approval click: the step its button showed, who clicked, and from which channel and workspace. */
export interface ApproveRequest {
  operationId: string;
  stepId: string;
  fingerprint: string;
  userId: string;
  from: ClickOrigin;
}

/** What approving needs beyond the engine's parts: the freeze, and starting the step once approved. */
export interface ApproveParts {
  admission?: { refuseApproval(op: Operation, step: Step): Promise<string | undefined> };
  schedule(operationId: string): void;
}

/** Adds `userId`'s approval of the step the button showed (clicked `from` a channel and workspace); starts the step when enough approvals are in. */
export async function approveStep(e: EngineParts, parts: ApproveParts, req: ApproveRequest): Promise<ApproveOutcome> {
  const outcome = await changeOperation<ApproveOutcome>(e.store, e.now, req.operationId, async (op) => {
    if (op.state !== 'awaiting_approval') return { result: { kind: 'not_pending', op } };
    if (isExpired(e.now(), op)) {
      const expired = transition(e.now(), op, 'expired', { reason: 'The approval window passed before anyone approved.' });
      return { op: expired, audit: [{ actor: req.userId, type: 'expired', detail: { at: 'approval click' } }], result: { kind: 'expired', op: expired } };
    }
    const step = currentStep(op);
    if (step.id !== req.stepId || stepFingerprint(step, op.plan.facts, attemptOf(op, step.id)) !== req.fingerprint) {
      return { result: { kind: 'stale', op } };
    }
    const frozen = await parts.admission?.refuseApproval(op, step);
    if (frozen) {
      await e.store.appendAudit(op.id, [{ actor: req.userId, type: 'approval_refused', detail: { stepId: step.id, code: 'frozen' } }]);
      return { result: { kind: 'refused', op, reason: frozen } };
    }
    const decision = await checkApproval(e.policy, { role: 'approve', operation: op, step, user: req.userId, from: req.from });
    if (!decision.allowed) {
      await e.store.appendAudit(op.id, [
        { actor: req.userId, type: 'approval_refused', detail: { role: 'approve', stepId: step.id, code: decision.code, ...req.from } },
      ]);
      return { result: { kind: 'refused', op, reason: decision.reason } };
    }
    const onCall = decision.onCall === undefined ? {} : { onCall: decision.onCall };
    const approvals = [...op.approvals, { userId: req.userId, stepId: step.id, fingerprint: req.fingerprint, at: e.now().toISOString(), ...onCall }];
    const remaining = Math.max(0, requiredApprovals(op, step) - approvals.filter((a) => a.stepId === step.id).length);
    const next = remaining === 0 ? transition(e.now(), op, 'approved', { approvals }) : { ...op, approvals };
    // The audit of a re-run's approval names who asked for the re-run next to who approved it.
    const attempt = attemptOf(op, step.id);
    const rerunBy = (op.reruns ?? []).filter((r) => r.stepId === step.id && r.attempt === attempt).map((r) => r.userId);
    return {
      op: next,
      audit: [
        {
          actor: req.userId,
          type: 'approved',
          detail: { stepId: step.id, fingerprint: req.fingerprint, remaining, ...(rerunBy.length > 0 ? { attempt, rerunRequestedBy: rerunBy } : {}) },
        },
      ],
      result: { kind: 'approved', op: next, remaining },
    };
  });
  if (outcome === undefined) return { kind: 'not_found' };
  if (outcome.kind === 'approved') {
    await e.notify(outcome.op, { type: 'approval_added', userId: req.userId, remaining: outcome.remaining });
    if (outcome.remaining === 0) parts.schedule(outcome.op.id);
  } else if (outcome.kind === 'expired') {
    await e.notify(outcome.op, { type: 'expired' });
  }
  return outcome;
}

/** Cancels an operation that has not started its step yet (clicked `from` a channel and workspace). */
export async function cancelOperation(e: EngineParts, req: { operationId: string; userId: string; from: ClickOrigin }): Promise<CancelOutcome> {
  const outcome = await changeOperation<CancelOutcome>(e.store, e.now, req.operationId, async (op) => {
    if (!['planned', 'awaiting_approval', 'approved', 'interrupted'].includes(op.state)) return { result: { kind: 'not_pending', op } };
    const decision = await checkApproval(e.policy, { role: 'cancel', operation: op, step: currentStep(op), user: req.userId, from: req.from });
    if (!decision.allowed) {
      await e.store.appendAudit(op.id, [{ actor: req.userId, type: 'approval_refused', detail: { role: 'cancel', code: decision.code, ...req.from } }]);
      return { result: { kind: 'refused', op, reason: decision.reason } };
    }
    const why = op.state === 'interrupted' ? 'Closed after the interruption, without running the step again.' : 'Cancelled before it ran.';
    const done = finishOperation(e.now(), op, 'cancelled', why, req.userId);
    return { ...done, op: { ...done.op, endedBy: req.userId }, result: { kind: 'cancelled', op: { ...done.op, endedBy: req.userId } } };
  });
  if (outcome === undefined) return { kind: 'not_found' };
  if (outcome.kind === 'cancelled') await e.notify(outcome.op, { type: 'cancelled', userId: req.userId });
  return outcome;
}
