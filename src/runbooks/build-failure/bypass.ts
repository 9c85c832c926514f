import type { AirflowActions, TaskInstanceRef } from '../../actions/airflow/airflow-actions';
import { BackendError } from '../../actions/http/errors';
import type { StepOutcome, StepRunContext } from '../../operations/runbook';
import { z } from 'zod';

/** What the bypass step was approved to do: exactly these task instances, from Airflow's dry runs. */
export const BypassParams = z.object({ dagId: z.string().min(1), dagRunId: z.string().min(1), mark: z.array(z.string()), clear: z.array(z.string()) });
const ids = (refs: readonly TaskInstanceRef[]): string[] => [...new Set(refs.map((t) => t.taskId))].sort();
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
const list = (xs: readonly string[]): string => xs.join(', ') || 'none';
const FAILED = new Set(['failed', 'upstream_failed']);

function failure(err: unknown): StepOutcome {
  if (!(err instanceof BackendError)) throw err;
  return { ok: false, summary: err.message, details: err.status !== undefined ? [{ label: 'Status', value: String(err.status) }] : [] };
}

/**
 * "Let downstream jobs run today", on either Airflow generation. Every change is preceded by Airflow's own dry run:
 * the dry runs must still show what was approved (else the step is voided, nothing changed), and each real change
 * must touch exactly what its dry run said (else the step stops there and says what Airflow did).
 */
export async function runBypass(airflow: AirflowActions | undefined, params: z.infer<typeof BypassParams>, ctx: StepRunContext): Promise<StepOutcome> {
  if (!airflow) return { ok: false, summary: 'Airflow is not configured (`AIRFLOW_URL`).' };
  const { dagId, dagRunId, mark, clear } = params;
  if (mark.length === 0) return { ok: true, summary: 'Nothing to change in Airflow: no failed task of this name.' };
  const clearRequest = { dagRunId, taskIds: mark, includeDownstream: true, onlyFailed: true };
  try {
    // 1. The dry runs again, right before changing anything.
    const markPreview = new Map<string, string[]>();
    for (const taskId of mark)
      markPreview.set(taskId, ids(await airflow.setTaskInstanceState(dagId, { dryRun: true, dagRunId, taskId, newState: 'success' }, ctx.signal)));
    const wouldMark = [...new Set([...markPreview.values()].flat())].sort();
    const wouldClear = ids(await airflow.clearTaskInstances(dagId, { ...clearRequest, dryRun: true }, ctx.signal)).filter((t) => !mark.includes(t));
    if (!sameSet(wouldMark, mark) || !sameSet(wouldClear, clear)) {
      return {
        ok: false,
        summary:
          "Voided: Airflow's dry run now differs from the preview that was approved, so nothing was changed. Start a new request to see what Airflow would do now.",
        details: [
          { label: 'Approved', value: `mark success: ${list(mark)}\nclear: ${list(clear)}`, code: true },
          { label: 'Airflow dry run now', value: `mark success: ${list(wouldMark)}\nclear: ${list(wouldClear)}`, code: true },
        ],
      };
    }
    await ctx.recordExternalId('airflowDagRun', `${dagId}/${dagRunId}`);

    // 2. Mark, one task at a time, each checked against its dry run.
    for (const taskId of mark) {
      const marked = ids(await airflow.setTaskInstanceState(dagId, { dryRun: false, dagRunId, taskId, newState: 'success' }, ctx.signal));
      const expected = markPreview.get(taskId) ?? [];
      if (!sameSet(marked, expected)) {
        return {
          ok: false,
          summary: `Airflow changed ${list(marked)} when marking ${taskId} as success, but its dry run said ${list(expected)}. Stopped before clearing anything; look at the run in Airflow.`,
        };
      }
    }
    ctx.progress(`Marked ${mark.join(', ')} as success; clearing what failed downstream…`);

    // 3. Airflow clears failed tasks downstream when it marks one as success; what is left is cleared here, after its dry run.
    const left = ids(await airflow.clearTaskInstances(dagId, { ...clearRequest, dryRun: true }, ctx.signal));
    if (left.length > 0) {
      const cleared = ids(await airflow.clearTaskInstances(dagId, { ...clearRequest, dryRun: false }, ctx.signal));
      if (!sameSet(cleared, left))
        return { ok: false, summary: `Airflow cleared ${list(cleared)}, but its dry run said ${list(left)}. Look at the run in Airflow.` };
    }

    // 4. What Airflow shows now.
    const after = await airflow.listTaskInstances(dagId, dagRunId, {}, ctx.signal);
    const stateOf = new Map(after.map((t) => [t.taskId, t.state ?? 'no status']));
    const details = [{ label: 'New states', value: [...mark, ...clear].map((t) => `${t}: ${stateOf.get(t) ?? '?'}`).join('\n'), code: true }];
    const notSuccess = mark.filter((t) => stateOf.get(t) !== 'success');
    if (notSuccess.length > 0)
      return { ok: false, summary: `Airflow does not show ${notSuccess.join(', ')} as success after marking it. Look at the run in Airflow.`, details };
    const stillFailed = clear.filter((t) => FAILED.has(stateOf.get(t) ?? ''));
    if (stillFailed.length > 0)
      return { ok: false, summary: `Airflow still shows ${stillFailed.join(', ')} as failed after the clear. Look at the run in Airflow.`, details };
    return { ok: true, summary: `Marked ${mark.join(', ')} as success and cleared ${clear.length} downstream task${clear.length === 1 ? '' : 's'}.`, details };
  } catch (err) {
    return failure(err);
  }
}
