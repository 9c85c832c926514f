import type { Logger } from 'pino';
import type { OperationStore } from '../store/store';
import { formatDuration } from '../util/duration';
import { changeOwned } from './changes';
import { runStepOf } from './step-kinds';
import type { Runbook, StepOutcome } from './runbook';
import type { Operation, Step, StepResult } from './types';

export interface StepRunOptions {
  store: OperationStore;
  runbook: Runbook;
  logger: Logger;
  now: () => Date;
  instanceId: string;
  leaseMs: number;
  timeoutMs: number;
  progressEveryMs: number;
  onProgress(op: Operation, step: Step, text: string): void;
  /** Aborts every running step (process shutdown). */
  shutdown: AbortSignal;
}

/** How long a step execution's idempotency key is kept (operation id + step id + attempt). */
export const STEP_KEY_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Runs one claimed step: keeps the lease alive, posts "still running" progress, enforces the timeout
 * and turns every exception into a failed result. Returns the latest stored operation and the result.
 */
export async function runClaimedStep(
  claimed: Operation,
  step: Step,
  attempt: number,
  opts: StepRunOptions,
): Promise<{ op: Operation; result: StepResult; outcome: StepOutcome }> {
  let op = claimed;
  // A second guard besides the claim: this attempt of this step is executed at most once, ever.
  if (!(await opts.store.remember(`step:${claimed.id}:${step.id}:${attempt}`, STEP_KEY_RETENTION_MS))) {
    opts.logger.error('refused to execute a step attempt that was already started');
    const at = opts.now().toISOString();
    const summary = 'This attempt of the step had already been started once; it was not run a second time. Check the backend before deciding what to do.';
    const result: StepResult = {
      stepId: step.id,
      attempt,
      outcome: 'interrupted',
      summary,
      details: [],
      externalIds: claimed.inFlight?.externalIds ?? {},
      startedAt: at,
      finishedAt: at,
      durationMs: 0,
    };
    return { op, result, outcome: { ok: false, summary } };
  }
  let renewal: Promise<void> = Promise.resolve();
  let lost = false;
  // Renewals apply on top of the latest version: a write by someone else (the plan message's location)
  // must not make the runner lose its own lease and be declared dead while it works.
  const renew = (changes: (cur: Operation) => Partial<Operation> = () => ({})): Promise<void> => {
    renewal = renewal.then(async () => {
      if (lost) return;
      const lease = { owner: opts.instanceId, expiresAt: new Date(opts.now().getTime() + opts.leaseMs).toISOString() };
      try {
        const renewed = await changeOwned(opts.store, op, opts.instanceId, (cur) => ({ op: { ...cur, ...changes(cur), lease }, audit: [] }));
        if (renewed) op = renewed;
        else {
          lost = true;
          opts.logger.warn('this step is no longer ours (declared dead by a sweep); its result will be recorded in the audit trail only');
        }
      } catch (err) {
        opts.logger.warn({ err }, 'could not renew the lease of a running step');
      }
    });
    return renewal;
  };

  const started = opts.now();
  const controller = new AbortController();
  let interruptedByShutdown = false;
  let onShutdown = (): void => undefined;
  // A shutdown stops waiting even for a step that ignores its signal; we cannot know whether it took effect.
  const shutDown = new Promise<StepOutcome>((resolve) => {
    onShutdown = () => {
      interruptedByShutdown = true;
      controller.abort(new Error('the bot is shutting down'));
      resolve({ ok: false, summary: 'The bot shut down while this step was running. It was not run again: check the backend before deciding what to do.' });
    };
  });
  if (opts.shutdown.aborted) onShutdown();
  opts.shutdown.addEventListener('abort', onShutdown);
  const leaseTimer = setInterval(() => void renew(), Math.max(50, Math.floor(opts.leaseMs / 3)));
  const progressTimer = setInterval(() => {
    opts.onProgress(op, step, `Still running (${formatDuration(opts.now().getTime() - started.getTime())} so far)…`);
  }, opts.progressEveryMs);
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<StepOutcome>((resolve) => {
    timeout = setTimeout(() => {
      controller.abort(new Error(`timed out after ${formatDuration(opts.timeoutMs)}`));
      resolve({ ok: false, summary: `The step timed out after ${formatDuration(opts.timeoutMs)} and was abandoned.` });
    }, opts.timeoutMs);
  });

  // A step abandoned at its timeout (or shutdown) may still report progress: it would post a progress line
  // under the step's result, and the Slack observer would keep that step's progress entry for good.
  let ended = false;
  let outcome: StepOutcome;
  try {
    outcome = await Promise.race([
      runStepOf(opts.runbook, step, op.input, {
        operation: op,
        step,
        attempt,
        logger: opts.logger,
        signal: controller.signal,
        progress: (text) => {
          if (!ended) opts.onProgress(op, step, text);
        },
        recordExternalId: (key, value) =>
          renew((cur) => ({
            inFlight: { ...(cur.inFlight ?? { stepId: step.id, attempt, externalIds: {} }), externalIds: { ...cur.inFlight?.externalIds, [key]: value } },
          })),
      }),
      timedOut,
      shutDown,
    ]);
  } catch (err) {
    opts.logger.warn({ err }, 'step threw');
    outcome = { ok: false, summary: err instanceof Error ? err.message : String(err) };
  } finally {
    ended = true;
    clearTimeout(timeout);
    clearInterval(leaseTimer);
    clearInterval(progressTimer);
    opts.shutdown.removeEventListener('abort', onShutdown);
    await renewal;
  }

  const finished = opts.now();
  const result: StepResult = {
    stepId: step.id,
    attempt,
    outcome: outcome.ok ? 'succeeded' : interruptedByShutdown ? 'interrupted' : 'failed',
    summary: outcome.summary,
    details: outcome.details ?? [],
    externalIds: { ...op.inFlight?.externalIds, ...outcome.externalIds },
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
  };
  return { op, result, outcome };
}
