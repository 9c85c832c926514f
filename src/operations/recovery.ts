import type { Change } from './changes';
import { currentStep, transition } from './changes';
import type { StepOutcome } from './runbook';
import type { Operation, Plan } from './types';

export type RerunOutcome =
  | { kind: 'rerun_requested'; op: Operation }
  | { kind: 'refused'; op: Operation; reason: string }
  | { kind: 'not_interrupted'; op: Operation }
  | { kind: 'not_found' };

export type CheckOutcome =
  | { kind: 'checked'; op: Operation; outcome: StepOutcome }
  | { kind: 'not_interrupted'; op: Operation }
  | { kind: 'not_found' };

/**
 * "Run again" after an interruption: the step goes back to its gate with the plan rebuilt now and
 * every earlier approval of it dropped, so running it again needs a fresh approval of what the world
 * looks like today (and the four-eyes rule applies as for a first run).
 */
export function requestRerun(at: Date, op: Operation, fresh: Plan, userId: string, expiresAt: string): Change<RerunOutcome> {
  if (op.state !== 'interrupted') return { result: { kind: 'not_interrupted', op } };
  const step = currentStep(op);
  const freshStep = fresh.steps[op.currentStep];
  if (freshStep?.id !== step.id) {
    return { result: { kind: 'refused', op, reason: 'The plan no longer has this step (the world changed since the interruption). Start a new request instead.' } };
  }
  const next: Operation = {
    ...transition(at, op, 'awaiting_approval', { plan: fresh, approvals: op.approvals.filter((a) => a.stepId !== step.id), expiresAt, reason: undefined }),
    lease: undefined,
    inFlight: undefined,
  };
  return { op: next, audit: [{ actor: userId, type: 'rerun_requested', detail: { stepId: step.id, fingerprint: fresh.fingerprint } }], result: { kind: 'rerun_requested', op: next } };
}

/** What a generic "check state" can say when the runbook has no dedicated check: the step as it would be planned now. */
export function previewAsCheck(op: Operation, fresh: Plan): StepOutcome {
  const step = currentStep(op);
  const now = fresh.steps.find((s) => s.id === step.id);
  if (!now) return { ok: true, summary: 'A fresh plan no longer contains this step: it has probably taken effect, or the world changed. Check the backend before going on.' };
  return {
    ok: true,
    summary: 'This runbook has no dedicated state check; here is the step as it would be planned now, from fresh read-only lookups.',
    details: now.preview,
  };
}
