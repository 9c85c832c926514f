import type { Logger } from 'pino';
import { VersionConflictError, type OperationStore } from '../store/store';
import { stepFingerprint } from './fingerprint';
import { newOperationId } from './ids';
import type { OperationObserver } from './observer';
import { approvalsRequired, checkApprover, mayCancel, type ApprovalPolicy } from './policy';
import { UserFacingError, type Runbook, type RunbookRegistry } from './runbook';
import { assertTransition } from './state-machine';
import { runClaimedStep } from './step-runner';
import type { NewAuditEntry, Operation, OperationLocation, Plan, Step, StepResult } from './types';

export interface EngineOptions {
  store: OperationStore;
  runbooks: RunbookRegistry;
  policy: ApprovalPolicy;
  observer: OperationObserver;
  logger: Logger;
  approvalTtlMs: number;
  now?: () => Date;
  /** Identifies this process in leases, so replicas can tell whose step is running. */
  instanceId?: string;
  leaseMs?: number;
  defaultStepTimeoutMs?: number;
  progressEveryMs?: number;
  newId?: () => string;
}

export type ApproveOutcome =
  | { kind: 'approved'; op: Operation; remaining: number }
  | { kind: 'refused'; op: Operation; reason: string }
  | { kind: 'not_pending'; op: Operation }
  | { kind: 'stale'; op: Operation }
  | { kind: 'expired'; op: Operation }
  | { kind: 'not_found' };

export type CancelOutcome =
  | { kind: 'cancelled'; op: Operation }
  | { kind: 'refused'; op: Operation; reason: string }
  | { kind: 'not_pending'; op: Operation }
  | { kind: 'not_found' };

type Change<R> = { op: Operation; audit: NewAuditEntry[]; result: R } | { result: R };

const MAX_CAS_ATTEMPTS = 20;
/** An approved operation not claimed after this long was abandoned by a process that died. */
const STALLED_AFTER_MS = 10_000;

/** Drives operations through their state machine; every write is a compare-and-set on the store. */
export class OperationEngine {
  readonly instanceId: string;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly inflight = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(private readonly opts: EngineOptions) {
    this.now = opts.now ?? (() => new Date());
    this.instanceId = opts.instanceId ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /** Builds the plan, stores the operation and publishes it; read-only first steps start at once. */
  async propose(req: { runbook: string; input: unknown; requester: string; location: OperationLocation }): Promise<Operation> {
    const runbook = this.runbook(req.runbook);
    const plan = await runbook.buildPlan(req.input, { logger: this.opts.logger, now: this.now(), results: [] });
    if (plan.steps.length === 0) throw new UserFacingError('There is nothing to do: the plan has no steps.', 'empty_plan');
    const now = this.now();
    const gated = approvalsRequired(plan.steps[0]!.risk) > 0;
    let op: Operation = {
      id: (this.opts.newId ?? newOperationId)(),
      runbook: runbook.name,
      input: req.input,
      plan,
      state: gated ? 'awaiting_approval' : 'planned',
      version: 0,
      requester: req.requester,
      location: req.location,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: gated ? this.expiry() : undefined,
      currentStep: 0,
      approvals: [],
      results: [],
    };
    op = await this.opts.store.insert(op, [
      { actor: req.requester, type: 'created', detail: { input: req.input, fingerprint: plan.fingerprint, steps: plan.steps.map((s) => s.id) } },
    ]);
    const log = this.log(op);
    let messageTs: string;
    try {
      ({ messageTs } = await this.opts.observer.publish(op));
    } catch (err) {
      const reason = `Could not post the plan to Slack: ${(err as Error).message}`;
      await this.change(op.id, (cur) => this.finish(cur, 'failed', reason, 'system'));
      log.warn({ err }, 'publishing the plan failed');
      throw new UserFacingError(reason, 'publish_failed');
    }
    await this.change(op.id, (cur) => ({
      op: { ...cur, location: { ...cur.location, messageTs } },
      audit: [{ actor: 'system', type: 'message_posted', detail: { channel: cur.location.channel, ts: messageTs } }],
      result: undefined,
    }));
    if (!gated) this.schedule(op.id);
    log.info({ runbook: op.runbook, state: op.state }, 'operation proposed');
    return (await this.opts.store.get(op.id)) ?? op;
  }

  /** Adds `userId`'s approval of the step the button showed; starts the step when enough approvals are in. */
  async approve(req: { operationId: string; stepId: string; fingerprint: string; userId: string }): Promise<ApproveOutcome> {
    const outcome = await this.change<ApproveOutcome>(req.operationId, async (op) => {
      if (op.state !== 'awaiting_approval') return { result: { kind: 'not_pending', op } };
      if (this.isExpired(op)) {
        const expired = this.transition(op, 'expired', { reason: 'The approval window passed before anyone approved.' });
        return { op: expired, audit: [{ actor: req.userId, type: 'expired', detail: { at: 'approval click' } }], result: { kind: 'expired', op: expired } };
      }
      const step = this.currentStep(op);
      if (step.id !== req.stepId || stepFingerprint(step, op.plan.facts) !== req.fingerprint) {
        return { result: { kind: 'stale', op } };
      }
      const decision = await checkApprover(this.opts.policy, op, step, req.userId);
      if (!decision.allowed) {
        await this.opts.store.appendAudit(op.id, [
          { actor: req.userId, type: 'approval_refused', detail: { stepId: step.id, code: decision.code } },
        ]);
        return { result: { kind: 'refused', op, reason: decision.reason } };
      }
      const approvals = [...op.approvals, { userId: req.userId, stepId: step.id, fingerprint: req.fingerprint, at: this.now().toISOString() }];
      const remaining = Math.max(0, approvalsRequired(step.risk) - approvals.filter((a) => a.stepId === step.id).length);
      const next = remaining === 0 ? this.transition(op, 'approved', { approvals }) : { ...op, approvals };
      return {
        op: next,
        audit: [{ actor: req.userId, type: 'approved', detail: { stepId: step.id, fingerprint: req.fingerprint, remaining } }],
        result: { kind: 'approved', op: next, remaining },
      };
    });
    if (outcome === undefined) return { kind: 'not_found' };
    if (outcome.kind === 'approved') {
      await this.notify(outcome.op, { type: 'approval_added', userId: req.userId, remaining: outcome.remaining });
      if (outcome.remaining === 0) this.schedule(outcome.op.id);
    } else if (outcome.kind === 'expired') {
      await this.notify(outcome.op, { type: 'expired' });
    }
    return outcome;
  }

  /** Cancels an operation that has not started its step yet. */
  async cancel(req: { operationId: string; userId: string }): Promise<CancelOutcome> {
    const outcome = await this.change<CancelOutcome>(req.operationId, async (op) => {
      if (!['planned', 'awaiting_approval', 'approved'].includes(op.state)) return { result: { kind: 'not_pending', op } };
      if (!(await mayCancel(this.opts.policy, op, req.userId))) {
        return { result: { kind: 'refused', op, reason: 'Only the requester or an approver may cancel this operation.' } };
      }
      const done = this.finish(op, 'cancelled', 'Cancelled before it ran.', req.userId);
      return { ...done, op: { ...done.op, endedBy: req.userId }, result: { kind: 'cancelled', op: { ...done.op, endedBy: req.userId } } };
    });
    if (outcome === undefined) return { kind: 'not_found' };
    if (outcome.kind === 'cancelled') await this.notify(outcome.op, { type: 'cancelled', userId: req.userId });
    return outcome;
  }

  /**
   * Expires overdue approval requests, interrupts steps whose runner is gone (lease expired), and resumes
   * operations approved but never started (the process died between the approval and the claim).
   */
  async sweep(): Promise<void> {
    const now = this.now().getTime();
    for (const op of await this.opts.store.listByState(['awaiting_approval', 'running', 'approved', 'planned'])) {
      if ((op.state === 'approved' || op.state === 'planned') && Date.parse(op.updatedAt) <= now - STALLED_AFTER_MS) {
        if (op.state === 'approved' && this.isExpired(op)) {
          const expired = await this.change(op.id, (cur) =>
            cur.state === 'approved' && this.isExpired(cur) ? this.finish(cur, 'expired', 'Approved, but the bot was down until the approval window passed; nothing was run.', 'system') : { result: undefined },
          );
          if (expired) await this.notify(expired.op, { type: 'expired' });
        } else {
          this.schedule(op.id); // the claim's compare-and-set lets exactly one replica run it
        }
      }
      if (op.state === 'awaiting_approval' && this.isExpired(op)) {
        const expired = await this.change(op.id, (cur) =>
          cur.state === 'awaiting_approval' && this.isExpired(cur) ? this.finish(cur, 'expired', 'The approval window passed before anyone approved.', 'system') : { result: undefined },
        );
        if (expired) await this.notify(expired.op, { type: 'expired' });
      }
      if (op.state === 'running' && (!op.lease || Date.parse(op.lease.expiresAt) <= now)) {
        const interrupted = await this.change(op.id, (cur) =>
          cur.state === 'running' && (!cur.lease || Date.parse(cur.lease.expiresAt) <= this.now().getTime()) ? this.interrupt(cur) : { result: undefined },
        );
        if (interrupted) await this.notify(interrupted.op, { type: 'interrupted', step: this.currentStep(interrupted.op) });
      }
    }
  }

  /** Resolves when every step started by this engine has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Aborts running steps (they end as failed with the reason) and waits for them to settle. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.idle();
  }

  private schedule(operationId: string): void {
    const run = this.advance(operationId).catch((err: unknown) => {
      this.opts.logger.error({ err, operationId }, 'advancing an operation failed');
    });
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  /** Claims an approved (or read-only) step and runs steps until a gate or the end. */
  private async advance(operationId: string): Promise<void> {
    let op = await this.opts.store.get(operationId);
    if (!op || (op.state !== 'approved' && op.state !== 'planned')) return;
    const claimed = await this.claim(op);
    if (!claimed) return;
    op = claimed;
    for (;;) {
      const rebuilt = await this.recheckPlan(op);
      if (!rebuilt) return;
      op = rebuilt;
      const step = this.currentStep(op);
      const attempt = op.results.filter((r) => r.stepId === step.id).length + 1;
      await this.notify(op, { type: 'step_started', step });
      const runbook = this.runbook(op.runbook);
      const ran = await runClaimedStep(op, step, attempt, {
        store: this.opts.store,
        runbook,
        logger: this.log(op).child({ stepId: step.id, attempt }),
        now: this.now,
        instanceId: this.instanceId,
        leaseMs: this.leaseMs,
        timeoutMs: runbook.stepTimeoutMs ?? this.opts.defaultStepTimeoutMs ?? 10 * 60_000,
        progressEveryMs: this.opts.progressEveryMs ?? 15_000,
        onProgress: (cur, s, text) => void this.notify(cur, { type: 'progress', step: s, text }),
        shutdown: this.shutdown.signal,
      });
      const next = await this.recordResult(ran.op, step, ran.result);
      if (!next || next.state !== 'running') return;
      op = next;
    }
  }

  private async claim(op: Operation): Promise<Operation | undefined> {
    const step = this.currentStep(op);
    try {
      return await this.opts.store.update(
        { ...this.transition(op, 'running'), lease: this.lease(), inFlight: { stepId: step.id, attempt: op.results.filter((r) => r.stepId === step.id).length + 1, externalIds: {} } },
        [{ actor: 'system', type: 'step_started', detail: { stepId: step.id, instance: this.instanceId } }],
      );
    } catch (err) {
      if (err instanceof VersionConflictError) return undefined; // another click or replica got there first
      throw err;
    }
  }

  /** Rebuilds the plan before a step runs; a changed fingerprint voids the approval and asks again. */
  private async recheckPlan(op: Operation): Promise<Operation | undefined> {
    const step = this.currentStep(op);
    let fresh: Plan;
    try {
      fresh = await this.runbook(op.runbook).buildPlan(op.input, { logger: this.log(op), now: this.now(), results: op.results });
    } catch (err) {
      await this.recordResult(op, step, this.failure(step, op, `Could not re-check the plan before running: ${(err as Error).message}`));
      return undefined;
    }
    const freshStep = fresh.steps[op.currentStep];
    const approved = op.approvals.filter((a) => a.stepId === step.id);
    const unchanged = freshStep !== undefined && freshStep.id === step.id && approved.every((a) => a.fingerprint === stepFingerprint(freshStep, fresh.facts));
    if (unchanged) return this.opts.store.update({ ...op, plan: fresh }, []);
    const voided = await this.opts.store.update(
      {
        ...this.transition(op, 'awaiting_approval'),
        plan: fresh,
        approvals: op.approvals.filter((a) => a.stepId !== step.id),
        expiresAt: this.expiry(),
        lease: undefined,
        inFlight: undefined,
      },
      [{ actor: 'system', type: 'plan_changed', detail: { from: op.plan.fingerprint, to: fresh.fingerprint, stepId: step.id } }],
    );
    await this.notify(voided, { type: 'plan_changed', previousFingerprint: op.plan.fingerprint });
    return undefined;
  }

  /** Stores a step result and moves to the next step, the next gate, or the end. */
  private async recordResult(op: Operation, step: Step, result: StepResult): Promise<Operation | undefined> {
    const audit: NewAuditEntry[] = [{ actor: 'system', type: 'step_finished', detail: { stepId: step.id, attempt: result.attempt, outcome: result.outcome, summary: result.summary, externalIds: result.externalIds } }];
    const results = [...op.results, result];
    const nextIndex = op.currentStep + 1;
    const nextStep = op.plan.steps[nextIndex];
    let next: Operation;
    if (result.outcome === 'interrupted') {
      next = { ...this.transition(op, 'interrupted', { results, reason: result.summary }), lease: undefined, inFlight: undefined };
      audit.push({ actor: 'system', type: 'interrupted', detail: { stepId: step.id, externalIds: result.externalIds } });
    } else if (result.outcome === 'failed') {
      next = { ...this.transition(op, 'failed', { results, reason: result.summary }), lease: undefined, inFlight: undefined };
      audit.push({ actor: 'system', type: 'failed', detail: { stepId: step.id } });
    } else if (!nextStep) {
      next = { ...this.transition(op, 'succeeded', { results }), lease: undefined, inFlight: undefined };
      audit.push({ actor: 'system', type: 'succeeded', detail: {} });
    } else if (approvalsRequired(nextStep.risk) === 0) {
      next = { ...this.transition(op, 'running', { results, currentStep: nextIndex }), inFlight: undefined };
      audit.push({ actor: 'system', type: 'step_started', detail: { stepId: nextStep.id, instance: this.instanceId } });
    } else {
      next = { ...this.transition(op, 'awaiting_approval', { results, currentStep: nextIndex, expiresAt: this.expiry() }), lease: undefined, inFlight: undefined };
    }
    let stored: Operation;
    try {
      stored = await this.opts.store.update(next, audit);
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      // We lost the lease (another replica declared us dead): keep the truth in the audit trail and the thread.
      await this.opts.store.appendAudit(op.id, audit.slice(0, 1));
      const current = (await this.opts.store.get(op.id)) ?? op;
      await this.notify({ ...current, results }, { type: 'step_finished', step, result });
      return undefined;
    }
    if (stored.state === 'interrupted') {
      await this.notify(stored, { type: 'interrupted', step });
      return stored;
    }
    await this.notify(stored, { type: 'step_finished', step, result });
    if (stored.state === 'awaiting_approval') await this.notify(stored, { type: 'awaiting_approval', step: this.currentStep(stored) });
    if (stored.state === 'succeeded' || stored.state === 'failed') await this.notify(stored, { type: 'finished' });
    return stored;
  }

  /** Loads, lets `fn` decide, writes with compare-and-set; retries when someone else wrote first. */
  private async change<R>(operationId: string, fn: (op: Operation) => Change<R> | Promise<Change<R>>): Promise<R | undefined> {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      const op = await this.opts.store.get(operationId);
      if (!op) return undefined;
      const decided = await fn(op);
      if (!('op' in decided)) return decided.result;
      try {
        await this.opts.store.update({ ...decided.op, updatedAt: this.now().toISOString() }, decided.audit);
        return decided.result;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
      }
    }
    throw new Error(`Operation ${operationId} kept changing under us; gave up after ${MAX_CAS_ATTEMPTS} attempts`);
  }

  private finish(op: Operation, state: 'failed' | 'cancelled' | 'expired', reason: string, actor: string): { op: Operation; audit: NewAuditEntry[]; result: { op: Operation } } {
    const done = { ...this.transition(op, state, { reason }), lease: undefined };
    return { op: done, audit: [{ actor, type: state, detail: { reason } }], result: { op: done } };
  }

  private interrupt(op: Operation): { op: Operation; audit: NewAuditEntry[]; result: { op: Operation } } {
    const step = this.currentStep(op);
    const result: StepResult = {
      ...this.failure(step, op, 'The bot stopped while this step was running. It was not run again: check the backend before deciding what to do.'),
      outcome: 'interrupted',
    };
    const done = { ...this.transition(op, 'interrupted', { results: [...op.results, result], reason: result.summary }), lease: undefined, inFlight: undefined };
    return { op: done, audit: [{ actor: 'system', type: 'interrupted', detail: { stepId: step.id, lastOwner: op.lease?.owner, externalIds: result.externalIds } }], result: { op: done } };
  }

  private failure(step: Step, op: Operation, summary: string): StepResult {
    const at = this.now().toISOString();
    const attempt = op.inFlight?.attempt ?? op.results.filter((r) => r.stepId === step.id).length + 1;
    return { stepId: step.id, attempt, outcome: 'failed', summary, details: [], externalIds: op.inFlight?.externalIds ?? {}, startedAt: at, finishedAt: at, durationMs: 0 };
  }

  private transition(op: Operation, to: Operation['state'], changes: Partial<Operation> = {}): Operation {
    assertTransition(op.state, to);
    return { ...op, ...changes, state: to, updatedAt: this.now().toISOString() };
  }

  private currentStep(op: Operation): Step {
    const step = op.plan.steps[op.currentStep];
    if (!step) throw new Error(`Operation ${op.id} has no step ${op.currentStep}`);
    return step;
  }

  private runbook(name: string): Runbook {
    const runbook = this.opts.runbooks.get(name);
    if (!runbook) throw new UserFacingError(`Unknown runbook "${name}"`, 'unknown_runbook');
    return runbook;
  }

  private isExpired(op: Operation): boolean {
    return op.expiresAt !== undefined && Date.parse(op.expiresAt) <= this.now().getTime();
  }

  private expiry(): string {
    return new Date(this.now().getTime() + this.opts.approvalTtlMs).toISOString();
  }

  private lease(): { owner: string; expiresAt: string } {
    return { owner: this.instanceId, expiresAt: new Date(this.now().getTime() + this.leaseMs).toISOString() };
  }

  private log(op: Operation): Logger {
    return this.opts.logger.child({ operationId: op.id });
  }

  private async notify(op: Operation, event: Parameters<OperationObserver['notify']>[1]): Promise<void> {
    try {
      await this.opts.observer.notify(op, event);
    } catch (err) {
      this.log(op).warn({ err, event: event.type }, 'showing an operation change failed');
    }
  }
}
