import { afterStep, attemptOf, changeOwned, currentStep, failedResult, transition } from './changes';
import { droppedAfterSuccess, endEarly, lostStepSummary, planLost } from './early-end';
import { stepFingerprint } from './fingerprint';
import { diffPlans } from './plan-diff';
import type { EngineParts } from './recovery';
import type { FollowUp, StepOutcome } from './runbook';
import { buildCheckedPlan } from './step-kinds';
import type { Operation, Plan, Step, StepResult } from './types';

/** What recording step results needs of the engine besides the common parts. */
export interface ResultParts extends EngineParts {
  instanceId: string;
  /** Proposes what a step asked for (e.g. an undo) in the same thread, as its own operation; never throws. */
  proposeFollowUp(op: Operation, followUp: FollowUp): Promise<void>;
}

/** Rebuilds the plan before a step runs; a changed fingerprint voids the approval and asks again. */
export async function recheckPlan(e: ResultParts, op: Operation): Promise<Operation | undefined> {
  const step = currentStep(op);
  let fresh: Plan;
  try {
    fresh = await buildCheckedPlan(e.runbook(op.runbook), op.input, { logger: e.log(op), now: e.now(), results: op.results });
  } catch (err) {
    await recordResult(e, op, step, failedResult(e.now(), step, op, `Could not re-check the plan before running: ${(err as Error).message}`));
    return undefined;
  }
  const dropped = droppedAfterSuccess(op, fresh);
  if (dropped) {
    const ended = await changeOwned(e.store, op, e.instanceId, (cur) => endEarly(e.now(), cur, cur.currentStep - 1, cur.results, dropped, 'rebuilt_plan'));
    if (ended) await e.notify(ended, { type: 'finished' });
    return undefined;
  }
  const freshStep = fresh.steps[op.currentStep];
  const approved = op.approvals.filter((a) => a.stepId === step.id);
  const unchanged =
    freshStep !== undefined &&
    freshStep.id === step.id &&
    approved.every((a) => a.fingerprint === stepFingerprint(freshStep, fresh.facts, attemptOf(op, step.id)));
  if (unchanged) return changeOwned(e.store, op, e.instanceId, (cur) => ({ op: { ...cur, plan: fresh }, audit: [] }));
  const changes = diffPlans(op.plan, fresh, op.currentStep);
  const voided = await changeOwned(e.store, op, e.instanceId, (cur) => ({
    op: {
      ...transition(e.now(), cur, 'awaiting_approval'),
      plan: fresh,
      approvals: cur.approvals.filter((a) => a.stepId !== step.id),
      expiresAt: e.expiry(),
      lease: undefined,
      inFlight: undefined,
    },
    audit: [{ actor: 'system', type: 'plan_changed', detail: { from: op.plan.fingerprint, to: fresh.fingerprint, stepId: step.id, changes } }],
  }));
  if (voided) await e.notify(voided, { type: 'plan_changed', previousFingerprint: op.plan.fingerprint, changes });
  return undefined;
}

/** Stores a step result and moves to the next step, the next gate, or the end. */
export async function recordResult(e: ResultParts, op: Operation, step: Step, result: StepResult, outcome?: StepOutcome): Promise<Operation | undefined> {
  const done = outcome?.done;
  const first = afterStep(e.now(), op, step, result, { expiresAt: e.expiry(), instanceId: e.instanceId }, done);
  const gate = first.next.state === 'awaiting_approval' ? await prepareGate(e, op, first.next, [...op.results, result]) : undefined;
  const stored = await changeOwned(e.store, op, e.instanceId, (cur) => {
    let { next, audit } = afterStep(e.now(), cur, step, result, { expiresAt: e.expiry(), instanceId: e.instanceId }, done);
    if (next.state === 'awaiting_approval' && gate && 'end' in gate) {
      const ended = endEarly(e.now(), cur, cur.currentStep, next.results, gate.end, 'rebuilt_plan');
      return { op: ended.op, audit: [...audit.slice(0, 1), ...ended.audit] };
    }
    if (next.state === 'awaiting_approval' && gate && 'reason' in gate) {
      next = { ...transition(e.now(), cur, 'failed', { results: next.results, reason: gate.reason }), lease: undefined, inFlight: undefined };
      audit = [...audit.slice(0, 1), { actor: 'system', type: 'failed', detail: { reason: gate.reason } }];
    } else if (next.state === 'awaiting_approval' && gate && 'plan' in gate) {
      next = { ...next, plan: gate.plan };
    }
    return { op: next, audit };
  });
  if (!stored) {
    // We lost the lease (another replica declared us dead): keep the truth in the audit trail and the thread.
    await e.store.appendAudit(op.id, first.audit.slice(0, 1));
    const current = (await e.store.get(op.id)) ?? op;
    await e.notify({ ...current, results: [...op.results, result] }, { type: 'step_finished', step, result });
    return undefined;
  }
  if (stored.state === 'interrupted') {
    await e.notify(stored, { type: 'interrupted', step });
    return stored;
  }
  await e.notify(stored, { type: 'step_finished', step, result, files: outcome?.files });
  if (stored.state === 'awaiting_approval') await e.notify(stored, { type: 'awaiting_approval', step: currentStep(stored) });
  if (stored.state === 'succeeded' || stored.state === 'failed') {
    await e.notify(stored, { type: 'finished' });
    if (outcome?.followUp) await e.proposeFollowUp(stored, outcome.followUp);
  }
  return stored;
}

/** The next gate shows a preview computed now, from the results so far, not the one planned at the start. */
async function prepareGate(
  e: ResultParts,
  op: Operation,
  next: Operation,
  results: StepResult[],
): Promise<{ plan: Plan } | { reason: string } | { end: string }> {
  try {
    const plan = await buildCheckedPlan(e.runbook(op.runbook), op.input, { logger: e.log(op), now: e.now(), results });
    // The results so far made the next step unnecessary (e.g. the diagnosis found nothing): end, not fail.
    if (planLost(plan, currentStep(next).id)) return { end: lostStepSummary(currentStep(op), currentStep(next)) };
    if (plan.steps[next.currentStep]?.id !== currentStep(next).id) throw new Error('the rebuilt plan has the next step at another place');
    return { plan };
  } catch (err) {
    return { reason: `Could not prepare the next step: ${(err as Error).message}` };
  }
}
