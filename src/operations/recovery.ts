import type { Logger } from 'pino';
import type { OperationStore } from '../store/store';
import type { Change } from './changes';
import { attemptOf, changeOperation, currentStep, transition } from './changes';
import { checkApproval, type ClickOrigin } from './approval-gate';
import type { OperationEvent } from './observer';
import type { ApprovalPolicy } from './policy';
import type { Runbook, StepOutcome } from './runbook';
import { buildCheckedPlan, checkStateOf } from './step-kinds';
import type { Operation, Plan } from './types';

/** What the engine lends to the requests handled outside its class (interruption recovery, clean-up). */
export interface EngineParts {
  store: OperationStore;
  policy: ApprovalPolicy;
  now: () => Date;
  /** When an approval requested now expires. */
  expiry(): string;
  /** The registered runbook; throws UserFacingError for an unknown name. */
  runbook(name: string): Runbook;
  log(op: Operation): Logger;
  /** Tells people (never throws). */
  notify(op: Operation, event: OperationEvent): Promise<void>;
}

export type RerunOutcome =
  | { kind: 'rerun_requested'; op: Operation }
  | { kind: 'refused'; op: Operation; reason: string }
  | { kind: 'not_interrupted'; op: Operation }
  | { kind: 'not_found' };

export type CheckOutcome =
  | { kind: 'checked'; op: Operation; outcome: StepOutcome }
  | { kind: 'refused'; op: Operation; reason: string }
  | { kind: 'not_interrupted'; op: Operation }
  | { kind: 'not_found' };

/**
 * "Run again" after an interruption: the step goes back to its gate with the plan rebuilt now and
 * every earlier approval of it dropped, so running it again needs a fresh approval of what the world
 * looks like today. Whoever asks becomes a requester (recorded in `reruns`): the re-run's approval must
 * come from someone who is neither the original requester nor a re-runner (two such people if destructive).
 */
export function requestRerun(at: Date, op: Operation, fresh: Plan, userId: string, expiresAt: string): Change<RerunOutcome> {
  if (op.state !== 'interrupted') return { result: { kind: 'not_interrupted', op } };
  const step = currentStep(op);
  const freshStep = fresh.steps[op.currentStep];
  if (freshStep?.id !== step.id) {
    return {
      result: { kind: 'refused', op, reason: 'The plan no longer has this step (the world changed since the interruption). Start a new request instead.' },
    };
  }
  const attempt = attemptOf(op, step.id);
  const reruns = [...(op.reruns ?? []), { userId, stepId: step.id, attempt, at: at.toISOString() }];
  const next: Operation = {
    ...transition(at, op, 'awaiting_approval', {
      plan: fresh,
      approvals: op.approvals.filter((a) => a.stepId !== step.id),
      expiresAt,
      reason: undefined,
      reruns,
    }),
    lease: undefined,
    inFlight: undefined,
  };
  const detail = { stepId: step.id, attempt, fingerprint: fresh.fingerprint, originalRequester: op.requester };
  return { op: next, audit: [{ actor: userId, type: 'rerun_requested', detail }], result: { kind: 'rerun_requested', op: next } };
}

/** What a generic "check state" can say when the runbook has no dedicated check: the step as it would be planned now. */
export function previewAsCheck(op: Operation, fresh: Plan): StepOutcome {
  const step = currentStep(op);
  const now = fresh.steps.find((s) => s.id === step.id);
  if (!now)
    return {
      ok: true,
      summary: 'A fresh plan no longer contains this step: it has probably taken effect, or the world changed. Check the backend before going on.',
    };
  return {
    ok: true,
    summary: 'This runbook has no dedicated state check; here is the step as it would be planned now, from fresh read-only lookups.',
    details: now.preview,
  };
}

/** "Run again" after an interruption: back to the gate with a fresh plan; it needs a fresh approval. */
export async function runAgain(e: EngineParts, req: { operationId: string; userId: string; from: ClickOrigin }): Promise<RerunOutcome> {
  const existing = await e.store.get(req.operationId);
  if (!existing) return { kind: 'not_found' };
  if (existing.state !== 'interrupted') return { kind: 'not_interrupted', op: existing };
  const decision = await checkApproval(e.policy, { role: 'rerun', operation: existing, step: currentStep(existing), user: req.userId, from: req.from });
  if (!decision.allowed) {
    await e.store.appendAudit(existing.id, [{ actor: req.userId, type: 'approval_refused', detail: { role: 'rerun', code: decision.code, ...req.from } }]);
    return { kind: 'refused', op: existing, reason: decision.reason };
  }
  const fresh = await buildCheckedPlan(e.runbook(existing.runbook), existing.input, { logger: e.log(existing), now: e.now(), results: existing.results });
  const outcome = await changeOperation<RerunOutcome>(e.store, e.now, req.operationId, (op) =>
    Promise.resolve(requestRerun(e.now(), op, fresh, req.userId, e.expiry())),
  );
  if (outcome === undefined) return { kind: 'not_found' };
  if (outcome.kind === 'rerun_requested') await e.notify(outcome.op, { type: 'rerun_requested', userId: req.userId, step: currentStep(outcome.op) });
  return outcome;
}

/** "Check state" after an interruption: a read-only look, posted in the thread; never changes the operation. */
export async function checkState(e: EngineParts, req: { operationId: string; userId: string; from: ClickOrigin }): Promise<CheckOutcome> {
  const op = await e.store.get(req.operationId);
  if (!op) return { kind: 'not_found' };
  if (op.state !== 'interrupted') return { kind: 'not_interrupted', op };
  const step = currentStep(op);
  const decision = await checkApproval(e.policy, { role: 'check', operation: op, step, user: req.userId, from: req.from });
  if (!decision.allowed) return { kind: 'refused', op, reason: decision.reason };
  const runbook = e.runbook(op.runbook);
  const log = e.log(op);
  const externalIds = op.results[op.results.length - 1]?.externalIds ?? {};
  let outcome: StepOutcome;
  try {
    const check = checkStateOf(runbook, step, op.input, { logger: log, signal: AbortSignal.timeout(60_000), externalIds });
    outcome = check ? await check : previewAsCheck(op, await runbook.buildPlan(op.input, { logger: log, now: e.now(), results: op.results }));
  } catch (err) {
    outcome = { ok: false, summary: `The check itself failed: ${(err as Error).message}` };
  }
  await e.store.appendAudit(op.id, [{ actor: req.userId, type: 'state_checked', detail: { stepId: step.id, ok: outcome.ok, summary: outcome.summary } }]);
  await e.notify(op, { type: 'state_checked', userId: req.userId, step, outcome });
  return { kind: 'checked', op, outcome };
}

/**
 * After a cancel or an expiry: lets the runbook release what the operation prepared and did not use
 * (e.g. change sets), and says so in the thread. Best effort: a failure is logged.
 */
export async function cleanUpEnded(e: EngineParts, op: Operation): Promise<void> {
  const log = e.log(op);
  try {
    const runbook = e.runbook(op.runbook);
    const input = runbook.inputSchema.safeParse(op.input);
    if (!runbook.cleanUp || !input.success) return;
    const text = await runbook.cleanUp(input.data, { operation: op, logger: log, signal: AbortSignal.timeout(60_000) });
    if (text) await e.notify(op, { type: 'cleaned_up', text });
  } catch (err) {
    log.warn({ err }, 'cleaning up after the operation failed');
  }
}
