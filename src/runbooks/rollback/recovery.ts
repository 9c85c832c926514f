// What is left to do when a rollback does not end as planned, apart from running its steps (run.ts):
// the stacks' state for the thread, the undo to propose, and the change sets nobody will execute.
import type { CloudFormationActions } from '../../actions/cloudformation/types';
import { BackendError } from '../../actions/http/errors';
import type { FollowUp, StepRunContext } from '../../operations/runbook';
import type { PreviewLine, StepResult } from '../../operations/types';
import { STEP_IDS } from './steps';

/** Builds the undo proposed when a rollback fails: the recorded previous values of the stacks that changed. */
export type UndoProposer = (ctx: StepRunContext, why: string) => Promise<FollowUp | undefined>;

/** `before:<stack>` values recorded by the prepare step, e.g. `GreenVersion=abc1234,GreenInstanceCount=0`. */
export function encodeValues(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
/** The inverse of encodeValues. */
export function decodeValues(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/** What state each stack is in now, for the thread after a failure. */
export async function stackStates(cfn: CloudFormationActions, stacks: string[]): Promise<PreviewLine[]> {
  return Promise.all(
    stacks.map(async (stack) => {
      const info = await cfn.describeStack(stack).catch((err: unknown) => (err instanceof BackendError ? err.message : 'unknown'));
      if (typeof info === 'string' || !info) return { label: `${stack} now`, value: info ?? 'stack not found' };
      const colors = ['Blue', 'Green']
        .map((c) => `${c}: ${info.parameters[`${c}Version`] ?? '?'} x ${info.parameters[`${c}InstanceCount`] ?? info.parameters[`${c}Instances`] ?? '?'}`)
        .join(', ');
      return { label: `${stack} now`, value: `${info.status}${info.statusReason ? ` (${info.statusReason})` : ''}; ${colors}` };
    }),
  );
}

/** The previous values recorded by this operation's deploy prepare step, for stacks that differ from them now. */
export async function undoFor(cfn: CloudFormationActions, service: string, results: StepResult[], why: string): Promise<FollowUp | undefined> {
  const prepared = [...results].reverse().find((r) => r.stepId === STEP_IDS.prepare && r.outcome === 'succeeded');
  if (!prepared) return undefined;
  const stacks: { stack: string; parameters: Record<string, string> }[] = [];
  for (const [key, value] of Object.entries(prepared.externalIds)) {
    if (!key.startsWith('before:')) continue;
    const stack = key.slice('before:'.length);
    const before = decodeValues(value);
    const now = await cfn.describeStack(stack).catch(() => undefined);
    // CloudFormation rolls a failed update back by itself: only stacks that kept the new values need an undo.
    if (!now || Object.entries(before).some(([k, v]) => now.parameters[k] !== v)) stacks.push({ stack, parameters: before });
  }
  if (stacks.length === 0) return undefined;
  return {
    runbook: 'rollback-undo',
    input: { service, stacks },
    why: `${why} Undo: restore the previous parameters of ${stacks.map((s) => s.stack).join(', ')}.`,
  };
}

// Change sets nobody executed: deleting them keeps a stale one from being executed from the console later.
const UNUSED = new Set(['AVAILABLE', 'UNAVAILABLE', 'OBSOLETE']);

/**
 * After a cancel or an expiry: deletes the change sets the operation created and never executed (best
 * effort). Executed or executing ones are left alone. Returns a line for the thread, or undefined.
 */
export async function discardUnexecuted(cfn: CloudFormationActions, results: StepResult[], signal?: AbortSignal): Promise<string | undefined> {
  const sets = new Map<string, string>(); // change set id -> stack
  for (const r of results)
    for (const [key, id] of Object.entries(r.externalIds)) if (key.startsWith('changeSet:')) sets.set(id, key.slice('changeSet:'.length));
  const deleted: string[] = [];
  const failed: string[] = [];
  for (const [id, stack] of sets) {
    const cs = await cfn.describeChangeSet(stack, id, signal).catch(() => undefined); // gone already: nothing to do
    if (!cs || !UNUSED.has(cs.executionStatus)) continue;
    try {
      await cfn.deleteChangeSet(stack, id, signal);
      deleted.push(stack);
    } catch (err) {
      failed.push(`${stack} (${err instanceof Error ? err.message : String(err)}; delete \`${cs.name}\` by hand)`);
    }
  }
  if (deleted.length === 0 && failed.length === 0) return undefined;
  const done =
    deleted.length > 0
      ? `Deleted the change set${deleted.length === 1 ? '' : 's'} prepared for ${deleted.join(', ')} and never executed, so nobody executes ${deleted.length === 1 ? 'it' : 'them'} by mistake.`
      : '';
  const left = failed.length > 0 ? ` Could not delete: ${failed.join('; ')}.` : '';
  return `${done}${left}`.trim();
}
