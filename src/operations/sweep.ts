import type { OperationStore } from '../store/store';
import { changeOperation, currentStep, finishOperation, interruptOperation, isExpired, type Change } from './changes';
import type { OperationEvent } from './observer';
import type { Operation } from './types';

/** An approved operation not claimed after this long was abandoned by a process that died. */
export const STALLED_AFTER_MS = 10_000;

export interface SweepContext {
  store: OperationStore;
  now: () => Date;
  /** Starts (or continues) an operation on this process; the claim decides who really runs it. */
  resume(operationId: string): void;
  notify(op: Operation, event: OperationEvent): Promise<void>;
}

const leaseGone = (at: Date, op: Operation): boolean => !op.lease || Date.parse(op.lease.expiresAt) <= at.getTime();

/** Re-checks `still` on the latest version before ending the operation, so only one replica ends it. */
async function endIf(
  ctx: SweepContext,
  id: string,
  still: (op: Operation) => boolean,
  end: (op: Operation) => Change<{ op: Operation }>,
  event: (op: Operation) => OperationEvent,
): Promise<void> {
  const ended = await changeOperation(ctx.store, ctx.now, id, (cur) => (still(cur) ? end(cur) : { result: undefined }));
  if (ended) await ctx.notify(ended.op, event(ended.op));
}

/**
 * Expires overdue approval requests, interrupts steps whose runner is gone (lease expired), and resumes
 * operations approved but never started (the process died between the approval and the claim).
 */
export async function sweepOperations(ctx: SweepContext): Promise<void> {
  const at = ctx.now();
  for (const op of await ctx.store.listByState(['awaiting_approval', 'running', 'approved', 'planned'])) {
    const stalled = (op.state === 'approved' || op.state === 'planned') && Date.parse(op.updatedAt) <= at.getTime() - STALLED_AFTER_MS;
    if (stalled && op.state === 'approved' && isExpired(at, op)) {
      await endIf(
        ctx,
        op.id,
        (cur) => cur.state === 'approved' && isExpired(ctx.now(), cur),
        (cur) => finishOperation(ctx.now(), cur, 'expired', 'Approved, but the bot was down until the approval window passed; nothing was run.', 'system'),
        () => ({ type: 'expired' }),
      );
    } else if (stalled) {
      ctx.resume(op.id);
    } else if (op.state === 'awaiting_approval' && isExpired(at, op)) {
      await endIf(
        ctx,
        op.id,
        (cur) => cur.state === 'awaiting_approval' && isExpired(ctx.now(), cur),
        (cur) => finishOperation(ctx.now(), cur, 'expired', 'The approval window passed before anyone approved.', 'system'),
        () => ({ type: 'expired' }),
      );
    } else if (op.state === 'running' && leaseGone(at, op)) {
      await endIf(
        ctx,
        op.id,
        (cur) => cur.state === 'running' && leaseGone(ctx.now(), cur),
        (cur) => interruptOperation(ctx.now(), cur),
        (ended) => ({ type: 'interrupted', step: currentStep(ended) }),
      );
    }
  }
}
