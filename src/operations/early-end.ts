import { assertTransition } from './state-machine';
import type { NewAuditEntry, Operation, Plan, Step, StepResult } from './types';

/**
 * Ending an operation early as succeeded: a step found there is nothing more to do (`StepOutcome.done`),
 * or the plan rebuilt from the results so far no longer has the next step. The steps after the last one
 * that ran stay in the plan and are shown as skipped (not run); the audit trail says which and why.
 */

/** Where an early end comes from, recorded in the audit trail. */
export type EarlyEndCause = 'step' | 'rebuilt_plan';

/**
 * The operation ended as succeeded after step `lastRan` (an index into its plan), with `results`, and
 * the `succeeded` audit entry naming the skipped steps.
 */
export function endEarly(
  at: Date,
  op: Operation,
  lastRan: number,
  results: StepResult[],
  summary: string,
  cause: EarlyEndCause,
): { op: Operation; audit: NewAuditEntry[] } {
  const skipped = op.plan.steps.slice(lastRan + 1).map((s) => s.id);
  assertTransition(op.state, 'succeeded');
  const next: Operation = {
    ...op,
    state: 'succeeded',
    results,
    currentStep: lastRan,
    reason: summary,
    updatedAt: at.toISOString(),
    lease: undefined,
    inFlight: undefined,
  };
  return { op: next, audit: [{ actor: 'system', type: 'succeeded', detail: { endedEarly: { cause, summary, skipped } } }] };
}

/** The steps a succeeded operation did not run because it ended early (empty otherwise). */
export function skippedSteps(op: Operation): Step[] {
  return op.state === 'succeeded' ? op.plan.steps.slice(op.currentStep + 1) : [];
}

/** True when a rebuilt plan no longer has a step with this id anywhere (a step moved elsewhere is a plan change, not an end). */
export function planLost(plan: Plan, stepId: string): boolean {
  return !plan.steps.some((s) => s.id === stepId);
}

/** Why an operation ended when its rebuilt plan dropped `lost` after `ran` succeeded (plain text, for the thread and the audit). */
export function lostStepSummary(ran: Step | undefined, lost: Step): string {
  const after = ran ? ` after "${ran.title}"` : '';
  return `Nothing more to do${after}: the plan rebuilt from the results so far no longer has "${lost.title}", so it and the steps after it were not run.`;
}

/**
 * Why the operation ends, when the plan rebuilt just before its current step no longer has that step
 * and the step before it succeeded; undefined otherwise (a first step, or after a failure, stays a plan change).
 */
export function droppedAfterSuccess(op: Operation, fresh: Plan): string | undefined {
  const step = op.plan.steps[op.currentStep];
  const previous = op.plan.steps[op.currentStep - 1];
  if (!step || !previous || !planLost(fresh, step.id) || op.results.at(-1)?.outcome !== 'succeeded') return undefined;
  return lostStepSummary(previous, step);
}
