import { z } from 'zod';
import type { CloudFormationActions, StackEventInfo } from '../../actions/cloudformation/types';
import { BackendError } from '../../actions/http/errors';
import { pollVersion } from '../../actions/service-health/service-version';
import type { StepOutcome, StepRunContext } from '../../operations/runbook';
import type { PreviewLine } from '../../operations/types';
import { describeResourceChanges, parameterDiff } from './blue-green';
import type { RollbackDeps } from './deps';
import { encodeValues, stackStates, type UndoProposer } from './recovery';

// CloudFormation's rules for stack names and parameter keys; values as the undo input bounds them.
const STACK = z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/);
const Values = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,254}$/), z.string().max(4096));

/** `rollback.prepare`: one change set per stack, with the parameter changes and the values they replace. */
export const PrepareParams = z.object({
  phase: z.string().regex(/^[a-z-]+$/),
  target: z.string().optional(),
  sets: z.array(z.object({ stack: STACK, changes: Values, before: Values })),
});
export type PrepareParams = z.infer<typeof PrepareParams>;
/** `rollback.execute`: the prepared change sets, executed in order (null: none was prepared for that stack). */
export const ExecuteParams = z.object({
  phase: z.string().regex(/^[a-z-]+$/),
  sets: z.array(z.object({ stack: STACK, changeSetId: z.string().min(1).max(1600).nullable(), changes: Values })),
});
export type ExecuteParams = z.infer<typeof ExecuteParams>;
/** `rollback.verify`: the version every stack must answer on `/api/version` (null URL: not verifiable by the bot). */
export const VerifyParams = z.object({
  expected: z.string().min(1).max(200),
  mode: z.enum(['some', 'all']),
  checks: z.array(z.object({ stack: STACK, url: z.url({ protocol: /^https?$/ }).nullable() })),
});
export type VerifyParams = z.infer<typeof VerifyParams>;

function failure(err: unknown): StepOutcome {
  if (err instanceof BackendError) return { ok: false, summary: err.message };
  throw err;
}

/** Creates one change set per stack and waits until CloudFormation has computed it. */
export async function runPrepare(deps: RollbackDeps, cfn: CloudFormationActions, params: PrepareParams, ctx: StepRunContext): Promise<StepOutcome> {
  const name = `runbook-bot-${ctx.operation.id}-${params.phase}-${ctx.attempt}`;
  const details: PreviewLine[] = [];
  const externalIds: Record<string, string> = params.target ? { target: params.target } : {};
  try {
    for (const set of params.sets) {
      const summary = await cfn.templateSummary(set.stack, ctx.signal);
      const { id } = await cfn.createChangeSet({
        stackName: set.stack,
        changeSetName: name,
        parameterKeys: summary.parameterKeys,
        changes: set.changes,
        capabilities: summary.capabilities,
        description: `runbook-bot ${ctx.operation.id} (${params.phase})`,
        signal: ctx.signal,
      });
      externalIds[`changeSet:${set.stack}`] = id;
      externalIds[`before:${set.stack}`] = encodeValues(set.before);
      await ctx.recordExternalId(`changeSet:${set.stack}`, id);
      const waited = await cfn.waitForChangeSet(set.stack, id, {
        ...deps.timing.waiter,
        maxWaitSeconds: Math.min(deps.timing.waiter.maxWaitSeconds, 600),
        signal: ctx.signal,
      });
      const cs = waited.final;
      if (!waited.ok || !cs) {
        // A failed change set is useless and clutters the stack's list; removing it is best effort.
        if (cs?.status === 'FAILED') await cfn.deleteChangeSet(set.stack, id, ctx.signal).catch(() => undefined);
        return {
          ok: false,
          summary: `CloudFormation could not prepare the change set for ${set.stack} (${cs?.status ?? waited.state}${cs?.statusReason ? `: ${cs.statusReason}` : ''}). Nothing was changed.`,
          details,
          externalIds,
        };
      }
      details.push(
        { label: `${set.stack}: parameters`, value: parameterDiff(set.before, set.changes), code: true },
        { label: `${set.stack}: resource changes`, value: describeResourceChanges(cs.changes), code: true },
      );
    }
  } catch (err) {
    return { ...failure(err), details, externalIds };
  }
  return { ok: true, summary: `${params.sets.length} change set${params.sets.length === 1 ? '' : 's'} ready (nothing applied yet).`, details, externalIds };
}

function eventLine(stack: string, e: StackEventInfo): string {
  return `${stack}: ${e.logicalId} ${e.status}${e.reason ? ` (${e.reason})` : ''}`;
}

/** Executes the approved change sets, one stack after the other, posting stack events while waiting. */
export async function runExecute(
  deps: RollbackDeps,
  cfn: CloudFormationActions,
  params: ExecuteParams,
  ctx: StepRunContext,
  proposeUndo?: UndoProposer,
): Promise<StepOutcome> {
  const details: PreviewLine[] = [];
  const done: string[] = [];
  for (const set of params.sets) {
    try {
      if (!set.changeSetId)
        return { ok: false, summary: `No prepared change set for ${set.stack}: nothing was executed there. Start a new rollback.`, details };
      const cs = await cfn.describeChangeSet(set.stack, set.changeSetId, ctx.signal);
      if (cs.status !== 'CREATE_COMPLETE' || cs.executionStatus !== 'AVAILABLE') {
        return {
          ok: false,
          summary: `The change set for ${set.stack} can no longer be executed (${cs.status}/${cs.executionStatus}); the stack changed since the preview. Nothing was executed there.`,
          details: [
            ...details,
            ...(await stackStates(
              cfn,
              params.sets.map((s) => s.stack),
            )),
          ],
        };
      }
      const marker = (await cfn.stackEvents(set.stack, undefined, ctx.signal))[0]?.id;
      await ctx.recordExternalId(`executed:${set.stack}`, cs.id);
      await cfn.executeChangeSet(set.stack, set.changeSetId, ctx.signal);
      const waited = await waitWithEvents(deps, cfn, set.stack, marker, ctx);
      details.push({ label: set.stack, value: `${waited.final?.status ?? waited.state}` });
      if (!waited.ok) {
        const states = await stackStates(
          cfn,
          params.sets.map((s) => s.stack),
        );
        const why = `The update of ${set.stack} did not complete (${waited.final?.status ?? waited.state}${waited.final?.statusReason ? `: ${waited.final.statusReason}` : ''}).`;
        const untouched = await discardRest(cfn, params.sets.slice(params.sets.indexOf(set) + 1));
        const rest = untouched.length > 0 ? ` Not touched: ${untouched.join(', ')} (their change sets were deleted, so nobody executes them by mistake).` : '';
        return {
          ok: false,
          summary: `${why} Stopped here${done.length > 0 ? `; already updated: ${done.join(', ')}` : ''}.${rest}`,
          details: states,
          followUp: await proposeUndo?.(ctx, why),
        };
      }
      done.push(set.stack);
    } catch (err) {
      const outcome = failure(err);
      const states = await stackStates(
        cfn,
        params.sets.map((s) => s.stack),
      ).catch(() => []);
      return { ...outcome, details: states, followUp: await proposeUndo?.(ctx, outcome.summary) };
    }
  }
  return { ok: true, summary: `Updated ${done.join(', ')}: UPDATE_COMPLETE.`, details };
}

/** Deletes the change sets of stacks the failed step will not reach (best effort); returns those stacks. */
async function discardRest(cfn: CloudFormationActions, sets: { stack: string; changeSetId: string | null }[]): Promise<string[]> {
  await Promise.all(sets.map((s) => (s.changeSetId ? cfn.deleteChangeSet(s.stack, s.changeSetId).catch(() => undefined) : Promise.resolve())));
  return sets.map((s) => s.stack);
}

async function waitWithEvents(
  deps: RollbackDeps,
  cfn: CloudFormationActions,
  stack: string,
  marker: string | undefined,
  ctx: StepRunContext,
): Promise<Awaited<ReturnType<CloudFormationActions['waitForStackUpdate']>>> {
  let last = marker;
  const seen: string[] = [];
  const report = async (): Promise<void> => {
    const events = await cfn.stackEvents(stack, last, ctx.signal).catch(() => []);
    if (events.length === 0) return;
    last = events[0]!.id;
    seen.push(...events.reverse().map((e) => eventLine(stack, e)));
    ctx.progress(seen.slice(-8).join('\n'));
  };
  // Stopped as soon as the waiter returns, so a finished update is reported at once.
  const stop = new AbortController();
  const done = AbortSignal.any([stop.signal, ctx.signal]);
  const poller = (async () => {
    while (!done.aborted) {
      await report();
      await new Promise<void>((resolve) => {
        if (done.aborted) return resolve(); // the waiter may have returned while events were being read
        const timer = setTimeout(finish, deps.timing.eventsEveryMs);
        function finish(): void {
          clearTimeout(timer);
          done.removeEventListener('abort', finish);
          resolve();
        }
        done.addEventListener('abort', finish, { once: true });
      });
    }
  })();
  try {
    return await cfn.waitForStackUpdate(stack, { ...deps.timing.waiter, signal: ctx.signal });
  } finally {
    stop.abort();
    await poller;
    await report();
  }
}

/** Polls every stack's `/api/version`; a timeout fails the step and proposes the undo. */
export async function runVerify(
  deps: RollbackDeps,
  params: VerifyParams,
  ctx: StepRunContext,
  proposeUndo?: UndoProposer,
  cfn?: CloudFormationActions,
): Promise<StepOutcome> {
  if (params.checks.some((c) => c.url === null)) {
    return {
      ok: true,
      summary: `NOT verified by the bot: SERVICE_URL_TEMPLATE is not configured. Check /api/version by hand (several times, because of the load balancer) and look for ${params.expected} before approving the next step.`,
    };
  }
  const v = deps.timing.verify;
  const rule =
    params.mode === 'some'
      ? { mode: 'some' as const, needed: v.needed, window: v.window, intervalMs: v.intervalMs, timeoutMs: v.timeoutMs }
      : { mode: 'all' as const, needed: 0, window: v.settledWindow, intervalMs: v.intervalMs, timeoutMs: v.timeoutMs };
  const results = await Promise.all(params.checks.map((c) => pollVersion(deps.versions, c.url!, params.expected, rule, ctx.signal, () => undefined)));
  // The evidence: the verdict and the last answers each stack gave.
  const details = params.checks.flatMap((c, i) => [
    { label: `${c.stack} (${c.url}/api/version)`, value: `${results[i]!.ok ? 'OK' : 'NOT OK'}: ${results[i]!.summary}` },
    {
      label: `${c.stack}: last answers`,
      value: results[i]!.samples.slice(-10)
        .map((s) => s.version ?? s.error ?? '?')
        .join(', '),
    },
  ]);
  if (results.every((r) => r.ok))
    return { ok: true, summary: `${params.expected} answers on every stack${params.mode === 'all' ? ', and nothing else does' : ''}.`, details };
  const why = `Verification timed out: ${params.expected} was not seen as expected within ${Math.round(v.timeoutMs / 1000)} s.`;
  const states = cfn
    ? await stackStates(
        cfn,
        params.checks.map((c) => c.stack),
      ).catch(() => [])
    : [];
  return { ok: false, summary: why, details: [...details, ...states], followUp: await proposeUndo?.(ctx, why) };
}
