import type { AirflowActions } from '../../actions/airflow/airflow-actions';
import { BackendError } from '../../actions/http/errors';
import type { StepOutcome } from '../../operations/runbook';
import { backendErrorPlain } from '../backend-text';

/** What a state check after an interruption gets (the engine's CheckStateContext has these and more). */
export interface DagaoCheckContext {
  signal: AbortSignal;
  externalIds: Record<string, string>;
}

/** The check of an interrupted read-only step: nothing to look at. */
export const readOnlyCheck = (): Promise<StepOutcome> => Promise.resolve({ ok: true, summary: 'This step only reads; running it again changes nothing.' });

/** The check of an interrupted cycle: it cannot be checked from the bot, so it says where to look. */
export const cycleCheck = (): Promise<StepOutcome> =>
  Promise.resolve({
    ok: true,
    summary: 'Cycling machines cannot be checked from the bot: look at the mesos on-demand machines of cantareira-stable (their age) before cycling again.',
  });

/** The check of an interrupted scale: it cannot be checked from Airflow, so it says where to look. */
export const scaleCheck = (): Promise<StepOutcome> =>
  Promise.resolve({ ok: true, summary: 'The scale job cannot be checked from Airflow: look at it with `/runbook aurora status scale` before scaling again.' });

/**
 * Read-only look at whether an interrupted retry took effect: the Airflow run it recorded, or the latest
 * runs when none was recorded.
 */
export async function checkRetryState(airflow: AirflowActions | undefined, dagId: string, ctx: DagaoCheckContext): Promise<StepOutcome> {
  if (!airflow) return { ok: false, summary: '`AIRFLOW_URL` is not configured, so the retried run cannot be looked up.' };
  try {
    const recorded = ctx.externalIds.dagRunId;
    if (recorded) {
      const run = await airflow.getDagRun(dagId, recorded, ctx.signal);
      return {
        ok: true,
        summary: `The retry had started run ${run.dagRunId}; it is now ${run.state}.`,
        externalIds: { dagRunId: run.dagRunId, dagRunState: run.state },
      };
    }
    const latest = (await airflow.listDagRuns(dagId, { limit: 3 }, ctx.signal)).map((r) => `${r.dagRunId} (${r.state})`);
    return {
      ok: true,
      summary: `No run was recorded for this retry, so \`sabesp\` may or may not have started one. Latest runs of ${dagId}: ${latest.join(', ') || 'none'}.`,
    };
  } catch (err) {
    if (err instanceof BackendError) return { ok: false, summary: backendErrorPlain('Could not look at the dagão in Airflow', err) };
    throw err;
  }
}
