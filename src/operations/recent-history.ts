import type { AnyRunbook } from './runbook';
import { UserFacingError } from './runbook';
import type { Operation, OperationState, RecentOperation } from './types';

/** How far back a plan looks for operations on the same target. */
export const HISTORY_WINDOW_MS = 60 * 60_000;
// The newest operations read to find them: the store lists by creation, and an hour holds far fewer.
const SCANNED = 100;
const SHOWN = 3;
const PENDING: readonly OperationState[] = ['planned', 'awaiting_approval', 'approved', 'running'];

/** What the store must answer for the history (a subset of OperationStore). */
export interface RecentSource {
  listRecent(limit: number): Promise<Operation[]>;
}

/** Input as a canonical string: same keys and values in any order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The target of a stored operation, read through the runbook's own schema (never a cast). */
function targetOfStored(runbook: AnyRunbook, op: Operation): string | undefined {
  const parsed = runbook.inputSchema.safeParse(op.input);
  return parsed.success ? runbook.targetOf?.(parsed.data) : undefined;
}

/**
 * Operations of the same runbook on the same target in the last hour that succeeded or are still
 * pending (newest first), and the pending one with identical input, if any. Empty for runbooks that
 * do not say what their target is.
 */
export async function recentOnTarget(
  store: RecentSource,
  runbook: AnyRunbook,
  input: unknown,
  now: Date,
): Promise<{ twin?: Operation; recent: RecentOperation[] }> {
  const target = runbook.targetOf?.(input);
  if (target === undefined) return { recent: [] };
  const since = now.getTime() - HISTORY_WINDOW_MS;
  const same = (await store.listRecent(SCANNED)).filter(
    (op) =>
      op.runbook === runbook.name &&
      Date.parse(op.createdAt) >= since &&
      (op.state === 'succeeded' || PENDING.includes(op.state)) &&
      targetOfStored(runbook, op) === target,
  );
  const twin = same.find((op) => PENDING.includes(op.state) && canonical(op.input) === canonical(input));
  const recent = same.slice(0, SHOWN).map((op) => ({
    id: op.id,
    title: op.plan.title,
    state: op.state,
    at: op.state === 'succeeded' ? op.updatedAt : op.createdAt,
    requester: op.requester,
    byAlarm: op.alarm !== undefined,
    approvers: [...new Set(op.approvals.map((a) => a.userId))],
  }));
  return { twin, recent };
}

/** The refusal of a twin: points to the pending operation instead of creating a second one. */
export function twinError(twin: Operation): UserFacingError {
  return new UserFacingError(
    `An identical request is already pending as \`${twin.id}\` (${twin.state.replace('_', ' ')}): approve or cancel that one (\`/runbook status ${twin.id}\` shows it). Nothing new was created.`,
    'duplicate',
  );
}
