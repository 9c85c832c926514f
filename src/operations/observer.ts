import type { StepFile, StepOutcome } from './runbook';
import type { PlanChange } from './plan-diff';
import type { Operation, Step, StepResult } from './types';

/** What happened to an operation, for whoever shows it to people (Slack). */
export type OperationEvent =
  | { type: 'approval_added'; userId: string; remaining: number }
  | { type: 'step_started'; step: Step }
  | { type: 'progress'; step: Step; text: string }
  | { type: 'step_finished'; step: Step; result: StepResult; files?: StepFile[] }
  | { type: 'awaiting_approval'; step: Step }
  | { type: 'finished' }
  | { type: 'cancelled'; userId: string }
  | { type: 'expired' }
  | { type: 'interrupted'; step: Step }
  | { type: 'state_checked'; userId: string; step: Step; outcome: StepOutcome }
  | { type: 'rerun_requested'; userId: string; step: Step }
  /** `changes`: what differs between the facts the approval was given for and the current ones. */
  | { type: 'plan_changed'; previousFingerprint: string; changes?: PlanChange[] }
  | { type: 'follow_up'; why: string; operationId?: string; error?: string }
  /** A plan still waiting for approval: `approvers` and, at escalation, `escalation` are Slack mentions. */
  | { type: 'approval_reminder'; stage: 'remind' | 'escalate'; approvers: string[]; escalation: string[] }
  /** What the runbook released after the operation ended without using it (e.g. deleted change sets). */
  | { type: 'cleaned_up'; text: string };

/** The engine's only way out to people. Implementations must not throw for display problems. */
export interface OperationObserver {
  /** Shows a newly proposed operation; returns where its message lives. */
  publish(op: Operation): Promise<{ messageTs: string }>;
  notify(op: Operation, event: OperationEvent): Promise<void>;
}
