import type { ApprovalRules } from './approval-rules';

/** How dangerous a step is; decides how many approvals it needs. */
export type Risk = 'read-only' | 'mutating' | 'destructive';

export const OPERATION_STATES = ['planned', 'awaiting_approval', 'approved', 'running', 'succeeded', 'failed', 'cancelled', 'expired', 'interrupted'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export const FINAL_STATES: ReadonlySet<OperationState> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

/** One line of a preview: a label and the exact value (rendered verbatim, e.g. as code). */
export interface PreviewLine {
  label: string;
  value: string;
  /** Render the value as a code block (requests, commands, diffs). */
  code?: boolean;
}

/** One unit of work in a plan. Everything here is plain data so it can be persisted and hashed. */
export interface Step {
  id: string;
  title: string;
  risk: Risk;
  /** Exactly what will be called, with which arguments, and the diff where one can be computed. */
  preview: PreviewLine[];
  /** What the step means for the on-call engineer, in plain words. */
  explanation?: string;
  /** How we know it worked. */
  verification: string;
  /** The adapter call, as data: `kind` names one of the runbook's step kinds, whose schema parses `params`. */
  action: { kind: string; params: Record<string, unknown> };
  /** What lets the step run (gates.ts); absent means an approval as the risk requires. */
  gate?: StepGate;
}

/**
 * How a step is let through. `approval`: approvers approve what the preview shows. `confirmation`: a
 * question someone other than the requester answers with the button (the answer is recorded as the step's
 * approval, through the same gate); the step itself changes nothing.
 */
export type StepGate = { type: 'approval' } | { type: 'confirmation'; button: string; question: string };

/** The ordered steps a runbook built, and the facts they were computed from. */
export interface Plan {
  runbook: string;
  title: string;
  summary: string;
  steps: Step[];
  /** Read-only facts the plan depends on (e.g. stack parameters); part of the fingerprint. */
  facts: Record<string, unknown>;
  fingerprint: string;
  /** Alternatives offered while the plan awaits approval (e.g. another build); picking one proposes a new operation. Not part of the fingerprint. */
  menu?: PlanMenu;
}

/** A select menu under a plan; the handler registered for `actionId` receives `<operation id>|<value>`. */
export interface PlanMenu {
  actionId: string;
  placeholder: string;
  options: { label: string; value: string }[];
}

export interface Approval {
  userId: string;
  stepId: string;
  fingerprint: string;
  at: string;
  /** Whether the approver was on call for the schedule the rule requires, when it requires one. */
  onCall?: boolean;
}

export interface StepResult {
  stepId: string;
  attempt: number;
  outcome: 'succeeded' | 'failed' | 'interrupted';
  summary: string;
  details: PreviewLine[];
  /** External request ids (Metapod request, CloudFormation change set, Airflow run...). */
  externalIds: Record<string, string>;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** Where the operation's conversation lives in Slack. */
export interface OperationLocation {
  channel: string;
  /** The Slack workspace (team id) the operation was requested in; absent on operations stored before it was recorded. */
  team?: string;
  /** The plan message; results go in its thread. */
  messageTs?: string;
  /** When the operation was started from inside a thread (e.g. an alarm), that thread. */
  threadTs?: string;
}

export interface Lease {
  owner: string;
  expiresAt: string;
}

/** The alarm an operation was started by (the listener's claim, or a follow-up of such an operation). */
export interface AlarmOrigin {
  /** The alarm in words, mrkdwn (e.g. "the CloudWatch alarm *prod-x-datomic-write-throttles*"); absent when unknown. */
  description?: string;
}

/** Another operation on the same target, as the plan's warning shows it. */
export interface RecentOperation {
  id: string;
  title: string;
  state: OperationState;
  /** When it succeeded, or when it was proposed while still pending. */
  at: string;
  requester: string;
  byAlarm: boolean;
  approvers: string[];
}

/** A persisted state machine for one plan. `version` guards every write (compare-and-set). */
export interface Operation {
  id: string;
  runbook: string;
  input: unknown;
  plan: Plan;
  state: OperationState;
  version: number;
  requester: string;
  location: OperationLocation;
  /** Groups operations about the same thing (e.g. one alarm), so repeats join the open one. */
  correlationKey?: string;
  /** Set when an alarm started the operation, not a person: `requester` is then the bot itself, never shown as one. */
  alarm?: AlarmOrigin;
  /** Operations on the same target that succeeded or were pending when this one was proposed (the plan warns). */
  recent?: RecentOperation[];
  createdAt: string;
  updatedAt: string;
  expiresAt?: string;
  /** Index of the step that is awaiting approval, running, or next to run. */
  currentStep: number;
  approvals: Approval[];
  results: StepResult[];
  lease?: Lease;
  /** The step being run right now and what is known about its external requests (kept for crash reports). */
  inFlight?: { stepId: string; attempt: number; externalIds: Record<string, string> };
  /** Why the operation ended, in words an on-call engineer understands (plain text, never mrkdwn). */
  reason?: string;
  /** Who ended it by hand (cancel), when someone did. */
  endedBy?: string;
  /** The approval rules resolved from the configuration when the operation was proposed (kept, so a later config change is explicit). */
  approvalRules?: ApprovalRules;
  /** Who asked to run an interrupted step again: each is a requester of the rest of the operation (never its approver). */
  reruns?: Rerun[];
}

/** One "Run again" after an interruption. */
export interface Rerun {
  userId: string;
  stepId: string;
  /** The attempt the re-run asked for. */
  attempt: number;
  at: string;
}

export type AuditType =
  | 'created'
  | 'approved'
  | 'approval_refused'
  | 'plan_changed'
  | 'step_started'
  | 'step_finished'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'expired'
  | 'interrupted'
  | 'state_checked'
  | 'rerun_requested'
  | 'message_posted';

/** One append-only audit record. */
export interface AuditEntry {
  operationId: string;
  seq: number;
  at: string;
  actor: string;
  type: AuditType;
  detail: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'operationId' | 'seq' | 'at'> & { at?: string };
