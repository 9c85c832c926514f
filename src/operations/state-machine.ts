import type { OperationState } from './types';

const TRANSITIONS: Record<OperationState, readonly OperationState[]> = {
  planned: ['awaiting_approval', 'running', 'cancelled', 'failed'],
  awaiting_approval: ['approved', 'cancelled', 'expired', 'failed'],
  approved: ['running', 'cancelled', 'awaiting_approval', 'expired'],
  // A finished step can lead to the next gate (awaiting_approval) or straight into the next step.
  running: ['succeeded', 'failed', 'awaiting_approval', 'running', 'interrupted'],
  succeeded: [],
  failed: [],
  cancelled: [],
  expired: [],
  // After a crash a person decides: ask for a fresh approval to run the step again, or close it.
  interrupted: ['awaiting_approval', 'cancelled'],
};

export class InvalidTransitionError extends Error {
  readonly code = 'invalid_transition';
  constructor(
    readonly from: OperationState,
    readonly to: OperationState,
  ) {
    super(`An operation cannot go from ${from} to ${to}`);
  }
}

/** True when the state machine allows going from `from` to `to`. */
export function canTransition(from: OperationState, to: OperationState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws unless the transition is allowed. */
export function assertTransition(from: OperationState, to: OperationState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
