import type { Logger } from 'pino';
import { VersionConflictError, type OperationStore } from '../store/store';
import { attemptOf, currentStep, transition } from './changes';
import type { OperationObserver } from './observer';
import type { ClickOrigin } from './approval-gate';
import { approveStep, cancelOperation, type ApproveOutcome, type ApproveRequest, type CancelOutcome } from './approve';
import type { ApprovalPolicy } from './policy';
import type { ApprovalRules } from './approval-rules';
import { sendReminders, type ReminderSettings } from './reminders';
import type { OnCallDirectory } from './approval-rules';
import { UserFacingError, type Runbook, type RunbookRegistry } from './runbook';
import { checkState, cleanUpEnded, runAgain, type CheckOutcome, type EngineParts, type RerunOutcome } from './recovery';
import { runClaimedStep } from './step-runner';
import { proposeFollowUp, proposeOperation, type ProposeRequest } from './propose';
import { recheckPlan, recordResult, type ResultParts } from './step-results';
import { sweepOperations } from './sweep';
import type { Operation, Plan, Step } from './types';

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
  /** Resolves the approval rules of a new operation from the configuration (stored with it). */
  approvalRules?: (runbook: string, input: unknown, plan: Plan) => ApprovalRules;
  /** Reminders and escalation of plans waiting for approval (reminders.ts). */
  reminders?: ReminderSettings & { oncall?: OnCallDirectory };
  /** The freeze and the per-hour limits (admission.ts): why a proposal or an approval is refused now. */
  admission?: {
    refusePropose(runbook: string, input: unknown, plan: Plan): Promise<string | undefined>;
    refuseApproval(op: Operation, step: Step): Promise<string | undefined>;
  };
}

export type { ApproveOutcome, CancelOutcome } from './approve';

/** Drives operations through their state machine; every write is a compare-and-set on the store. */
export class OperationEngine {
  readonly instanceId: string;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly inflight = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  /** Set once stop() began: no new step is claimed (the sweep of another replica resumes it later). */
  private stopping = false;

  constructor(private readonly opts: EngineOptions) {
    this.now = opts.now ?? (() => new Date());
    this.instanceId = opts.instanceId ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /** Builds the plan, stores the operation and publishes it; read-only first steps start at once. */
  propose(req: ProposeRequest): Promise<Operation> {
    return proposeOperation(
      {
        ...this.parts(),
        logger: this.opts.logger,
        observer: this.opts.observer,
        newId: this.opts.newId,
        approvalRules: this.opts.approvalRules,
        admission: this.opts.admission,
        schedule: (id) => this.schedule(id),
      },
      req,
    );
  }

  /** Adds `userId`'s approval of the step the button showed (clicked `from` a channel and workspace); starts the step when enough approvals are in. */
  approve(req: ApproveRequest): Promise<ApproveOutcome> {
    return approveStep(this.parts(), { admission: this.opts.admission, schedule: (id) => this.schedule(id) }, req);
  }

  /** Cancels an operation that has not started its step yet (clicked `from` a channel and workspace). */
  cancel(req: { operationId: string; userId: string; from: ClickOrigin }): Promise<CancelOutcome> {
    return cancelOperation(this.parts(), req);
  }

  /** "Run again" after an interruption: back to the gate with a fresh plan; it needs a fresh approval. */
  runAgain(req: { operationId: string; userId: string; from: ClickOrigin }): Promise<RerunOutcome> {
    return runAgain(this.parts(), req);
  }

  /** "Check state" after an interruption: a read-only look, posted in the thread; never changes the operation. */
  checkState(req: { operationId: string; userId: string; from: ClickOrigin }): Promise<CheckOutcome> {
    return checkState(this.parts(), req);
  }

  /** Expiry, crash recovery and resumption of abandoned approvals; safe to run on every replica. */
  async sweep(): Promise<void> {
    await sweepOperations({ store: this.opts.store, now: this.now, resume: (id) => this.schedule(id), notify: (op, event) => this.notify(op, event) });
    const reminders = this.opts.reminders;
    if (reminders) {
      await sendReminders({
        store: this.opts.store,
        now: this.now,
        approvalTtlMs: this.opts.approvalTtlMs,
        settings: reminders,
        oncall: reminders.oncall,
        notify: (op, event) => this.notify(op, event),
      });
    }
  }

  /** Resolves when every step started by this engine has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Stops the engine: running steps get `graceMs` to finish; those still running then stop being waited
   * for and end as interrupted (they may have taken effect), which the thread is told.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    if (graceMs > 0 && this.inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.shutdown.abort();
    await this.idle();
  }

  private schedule(operationId: string): void {
    if (this.stopping) return; // left approved: a live replica's sweep resumes it
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
      const rebuilt = await recheckPlan(this.resultParts(), op);
      if (!rebuilt) return;
      op = rebuilt;
      const step = currentStep(op);
      const attempt = attemptOf(op, step.id);
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
      const next = await recordResult(this.resultParts(), ran.op, step, ran.result, ran.outcome);
      if (!next || next.state !== 'running') return;
      op = next;
    }
  }

  /** Takes the step for this instance; undefined when another click or replica took it first, or it was cancelled. */
  private async claim(known: Operation): Promise<Operation | undefined> {
    let op: Operation | undefined = known;
    // A conflict may come from a write that does not claim (e.g. the plan message's location): look again.
    for (let i = 0; i < 20 && op && (op.state === 'approved' || op.state === 'planned'); i++) {
      const step = currentStep(op);
      try {
        return await this.opts.store.update(
          { ...transition(this.now(), op, 'running'), lease: this.lease(), inFlight: { stepId: step.id, attempt: attemptOf(op, step.id), externalIds: {} } },
          [{ actor: 'system', type: 'step_started', detail: { stepId: step.id, instance: this.instanceId } }],
        );
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        op = await this.opts.store.get(known.id);
      }
    }
    return undefined;
  }

  private runbook(name: string): Runbook {
    const runbook = this.opts.runbooks.get(name);
    if (!runbook) throw new UserFacingError(`Unknown runbook "${name}"`, 'unknown_runbook');
    return runbook;
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
    // Only the writer of the transition sees these events (compare-and-set): the clean-up runs once.
    if (event.type === 'cancelled' || event.type === 'expired') await cleanUpEnded(this.parts(), op);
  }

  private resultParts(): ResultParts {
    return {
      ...this.parts(),
      instanceId: this.instanceId,
      proposeFollowUp: (op, followUp) => proposeFollowUp(this.parts(), op, followUp, (req) => this.propose(req)),
    };
  }

  /** What the request helpers outside this class need of the engine. */
  private parts(): EngineParts {
    return {
      store: this.opts.store,
      policy: this.opts.policy,
      now: this.now,
      expiry: () => this.expiry(),
      runbook: (name) => this.runbook(name),
      log: (op) => this.log(op),
      notify: (op, event) => this.notify(op, event),
    };
  }
}
