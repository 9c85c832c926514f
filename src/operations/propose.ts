import type { Logger } from 'pino';
import type { OperationObserver } from './observer';
import { changeOperation, finishOperation } from './changes';
import { newOperationId } from './ids';
import { approvalsRequired } from './policy';
import type { ApprovalRules } from './approval-rules';
import type { EngineParts } from './recovery';
import { recentOnTarget, twinError } from './recent-history';
import { UserFacingError, type FollowUp } from './runbook';
import { buildCheckedPlan } from './step-kinds';
import type { AlarmOrigin, Operation, OperationLocation, Plan, Step } from './types';

/** What a proposal asks for: a runbook, its input, who asks and where the conversation lives. */
export interface ProposeRequest {
  runbook: string;
  input: unknown;
  requester: string;
  location: OperationLocation;
  correlationKey?: string;
  alarm?: AlarmOrigin;
}

/** What proposing needs of the engine besides the common parts. */
export interface ProposeParts extends EngineParts {
  observer: Pick<OperationObserver, 'publish'>;
  /** The engine's logger (the plan is built before the operation has an id). */
  logger: Logger;
  newId?: () => string;
  approvalRules?: (runbook: string, input: unknown, plan: Plan) => ApprovalRules;
  admission?: {
    refusePropose(runbook: string, input: unknown, plan: Plan): Promise<string | undefined>;
    refuseApproval(op: Operation, step: Step): Promise<string | undefined>;
  };
  /** Starts running the operation's read-only first step in the background. */
  schedule(operationId: string): void;
}

/** Builds the plan, stores the operation and publishes it; read-only first steps start at once. */
export async function proposeOperation(e: ProposeParts, req: ProposeRequest): Promise<Operation> {
  const runbook = e.runbook(req.runbook);
  // An alarm's repeats are coalesced by its key instead; a person's identical request points to the first.
  const history = await recentOnTarget(e.store, runbook, req.input, e.now());
  if (history.twin && !req.correlationKey) throw twinError(history.twin);
  const plan = await buildCheckedPlan(runbook, req.input, { logger: e.logger, now: e.now(), results: [] });
  if (plan.steps.length === 0) throw new UserFacingError('There is nothing to do: the plan has no steps.', 'empty_plan');
  const refused = await e.admission?.refusePropose(runbook.name, req.input, plan);
  if (refused) throw new UserFacingError(refused, 'not_admitted');
  const now = e.now();
  const gated = approvalsRequired(plan.steps[0]!.risk) > 0;
  let op: Operation = {
    id: (e.newId ?? newOperationId)(),
    runbook: runbook.name,
    input: req.input,
    plan,
    state: gated ? 'awaiting_approval' : 'planned',
    version: 0,
    requester: req.requester,
    location: req.location,
    correlationKey: req.correlationKey,
    // Only the alarm listener proposes with a correlation key: such an operation was started by an alarm.
    ...(req.alarm || req.correlationKey ? { alarm: req.alarm ?? {} } : {}),
    ...(history.recent.length > 0 ? { recent: history.recent } : {}),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: gated ? e.expiry() : undefined,
    currentStep: 0,
    approvals: [],
    results: [],
    approvalRules: e.approvalRules?.(runbook.name, req.input, plan),
  };
  op = await e.store.insert(op, [
    { actor: req.requester, type: 'created', detail: { input: req.input, fingerprint: plan.fingerprint, steps: plan.steps.map((s) => s.id) } },
  ]);
  const log = e.log(op);
  let messageTs: string;
  try {
    ({ messageTs } = await e.observer.publish(op));
  } catch (err) {
    const reason = `Could not post the plan to Slack: ${(err as Error).message}`;
    await changeOperation(e.store, e.now, op.id, (cur) => finishOperation(e.now(), cur, 'failed', reason, 'system'));
    log.warn({ err }, 'publishing the plan failed');
    throw new UserFacingError(reason, 'publish_failed');
  }
  await changeOperation(e.store, e.now, op.id, (cur) => ({
    op: { ...cur, location: { ...cur.location, messageTs } },
    audit: [{ actor: 'system', type: 'message_posted', detail: { channel: cur.location.channel, ts: messageTs } }],
    result: undefined,
  }));
  if (!gated) e.schedule(op.id);
  log.info({ runbook: op.runbook, state: op.state }, 'operation proposed');
  return (await e.store.get(op.id)) ?? op;
}

/** Proposes what a step asked for (e.g. an undo) in the same thread, as its own operation; says so, or why not, in the thread. */
export async function proposeFollowUp(e: EngineParts, op: Operation, followUp: FollowUp, propose: (req: ProposeRequest) => Promise<Operation>): Promise<void> {
  const thread = op.location.threadTs ?? op.location.messageTs;
  try {
    // A follow-up of an alarm's operation keeps saying which alarm started it (its requester is the bot).
    const next = await propose({
      runbook: followUp.runbook,
      input: followUp.input,
      requester: op.requester,
      location: { channel: op.location.channel, threadTs: thread },
      ...(op.alarm ? { alarm: op.alarm } : {}),
    });
    await e.notify(op, { type: 'follow_up', why: followUp.why, operationId: next.id });
  } catch (err) {
    e.log(op).warn({ err }, 'proposing the follow-up failed');
    await e.notify(op, { type: 'follow_up', why: followUp.why, error: (err as Error).message });
  }
}
