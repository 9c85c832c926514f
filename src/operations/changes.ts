import { VersionConflictError, type OperationStore } from '../store/store';
import { endEarly } from './early-end';
import { approvalsRequired } from './policy';
import { assertTransition } from './state-machine';
import type { NewAuditEntry, Operation, Step, StepResult } from './types';

/** What a decision about an operation produced: a new version to write (with audit), or nothing to write. */
export type Change<R> = { op: Operation; audit: NewAuditEntry[]; result: R } | { result: R };

const MAX_CAS_ATTEMPTS = 20;

/** The operation with its state moved to `to` (throws on a transition the state machine forbids). */
export function transition(at: Date, op: Operation, to: Operation['state'], changes: Partial<Operation> = {}): Operation {
  assertTransition(op.state, to);
  return { ...op, ...changes, state: to, updatedAt: at.toISOString() };
}

/** The step that is awaiting approval, running, or next to run. */
export function currentStep(op: Operation): Step {
  const step = op.plan.steps[op.currentStep];
  if (!step) throw new Error(`Operation ${op.id} has no step ${op.currentStep}`);
  return step;
}

/** True when the approval window of `op` has passed at `at`. */
export function isExpired(at: Date, op: Operation): boolean {
  return op.expiresAt !== undefined && Date.parse(op.expiresAt) <= at.getTime();
}

/** Which attempt of `stepId` the next (or current) run is. */
export function attemptOf(op: Operation, stepId: string): number {
  return op.results.filter((r) => r.stepId === stepId).length + 1;
}

/** Ends the operation without running anything more. */
export function finishOperation(
  at: Date,
  op: Operation,
  state: 'failed' | 'cancelled' | 'expired',
  reason: string,
  actor: string,
): Change<{ op: Operation }> & { op: Operation } {
  const done = { ...transition(at, op, state, { reason }), lease: undefined };
  return { op: done, audit: [{ actor, type: state, detail: { reason } }], result: { op: done } };
}

/** A result for a step that ended before (or without) running, keeping what is known of its requests. */
export function failedResult(at: Date, step: Step, op: Operation, summary: string): StepResult {
  const iso = at.toISOString();
  const attempt = op.inFlight?.attempt ?? attemptOf(op, step.id);
  return {
    stepId: step.id,
    attempt,
    outcome: 'failed',
    summary,
    details: [],
    externalIds: op.inFlight?.externalIds ?? {},
    startedAt: iso,
    finishedAt: iso,
    durationMs: 0,
  };
}

/** Marks a running step whose runner is gone as interrupted: never re-run, the known external ids kept. */
export function interruptOperation(at: Date, op: Operation): Change<{ op: Operation }> & { op: Operation } {
  const step = currentStep(op);
  const result: StepResult = {
    ...failedResult(at, step, op, 'The bot stopped while this step was running. It was not run again: check the backend before deciding what to do.'),
    outcome: 'interrupted',
  };
  const done = { ...transition(at, op, 'interrupted', { results: [...op.results, result], reason: result.summary }), lease: undefined, inFlight: undefined };
  return {
    op: done,
    audit: [{ actor: 'system', type: 'interrupted', detail: { stepId: step.id, lastOwner: op.lease?.owner, externalIds: result.externalIds } }],
    result: { op: done },
  };
}

/** Loads, lets `decide` choose, writes with compare-and-set; retries when someone else wrote first. */
export async function changeOperation<R>(
  store: OperationStore,
  now: () => Date,
  operationId: string,
  decide: (op: Operation) => Change<R> | Promise<Change<R>>,
): Promise<R | undefined> {
  for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
    const op = await store.get(operationId);
    if (!op) return undefined;
    const decided = await decide(op);
    if (!('op' in decided)) return decided.result;
    try {
      await store.update({ ...decided.op, updatedAt: now().toISOString() }, decided.audit);
      return decided.result;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  throw new Error(`Operation ${operationId} kept changing under us; gave up after ${MAX_CAS_ATTEMPTS} attempts`);
}

/**
 * Writes a change to the step this instance is running, on top of the latest version: writes by
 * others (the plan message's location, a late click) never make a runner lose its own operation.
 * The first try uses `known`; a conflict re-reads. Undefined once the step is no longer ours (ended,
 * or a sweep declared this instance dead).
 */
export async function changeOwned(
  store: OperationStore,
  known: Operation,
  owner: string,
  change: (cur: Operation) => { op: Operation; audit: NewAuditEntry[] },
): Promise<Operation | undefined> {
  let cur: Operation | undefined = known;
  for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
    if (!cur || cur.state !== 'running' || cur.lease?.owner !== owner) return undefined;
    const { op, audit } = change(cur);
    try {
      return await store.update(op, audit);
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      cur = await store.get(known.id);
    }
  }
  throw new Error(`Operation ${known.id} kept changing under us; gave up after ${MAX_CAS_ATTEMPTS} attempts`);
}

/** Where a step's result leads: interrupted, failed, succeeded, the next read-only step, or the next gate. */
export function afterStep(
  at: Date,
  op: Operation,
  step: Step,
  result: StepResult,
  next: { expiresAt: string; instanceId: string },
  /** The step said there is nothing more to do (`StepOutcome.done`): end as succeeded, later steps skipped. */
  done?: { summary: string },
): { next: Operation; audit: NewAuditEntry[] } {
  const audit: NewAuditEntry[] = [
    {
      actor: 'system',
      type: 'step_finished',
      detail: { stepId: step.id, attempt: result.attempt, outcome: result.outcome, summary: result.summary, externalIds: result.externalIds },
    },
  ];
  const results = [...op.results, result];
  const ended = { lease: undefined, inFlight: undefined };
  const nextStep = op.plan.steps[op.currentStep + 1];
  if (result.outcome === 'interrupted') {
    audit.push({ actor: 'system', type: 'interrupted', detail: { stepId: step.id, externalIds: result.externalIds } });
    return { next: { ...transition(at, op, 'interrupted', { results, reason: result.summary }), ...ended }, audit };
  }
  if (result.outcome === 'failed') {
    audit.push({ actor: 'system', type: 'failed', detail: { stepId: step.id } });
    return { next: { ...transition(at, op, 'failed', { results, reason: result.summary }), ...ended }, audit };
  }
  if (done && nextStep) {
    const ended = endEarly(at, op, op.currentStep, results, done.summary, 'step');
    return { next: ended.op, audit: [...audit, ...ended.audit] };
  }
  if (!nextStep) {
    audit.push({ actor: 'system', type: 'succeeded', detail: {} });
    return { next: { ...transition(at, op, 'succeeded', { results }), ...ended }, audit };
  }
  if (approvalsRequired(nextStep.risk) === 0) {
    audit.push({ actor: 'system', type: 'step_started', detail: { stepId: nextStep.id, instance: next.instanceId } });
    return { next: { ...transition(at, op, 'running', { results, currentStep: op.currentStep + 1 }), inFlight: undefined }, audit };
  }
  return { next: { ...transition(at, op, 'awaiting_approval', { results, currentStep: op.currentStep + 1, expiresAt: next.expiresAt }), ...ended }, audit };
}
