import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Alarm } from '../alarms/types';
import type { ArgsSchema } from './runbook-args';
import type { AnyStepKind } from './step-kinds';
import type { Operation, Plan, PreviewLine, Step, StepResult } from './types';

/** An error whose message is meant for the on-call engineer (shown in Slack as is). */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly code: string = 'user_error',
  ) {
    super(message);
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PlanContext {
  logger: Logger;
  now: Date;
  /** Results of steps already run when the plan is rebuilt mid-operation. */
  results: StepResult[];
}

export interface StepRunContext {
  operation: Operation;
  step: Step;
  attempt: number;
  logger: Logger;
  /** Aborted when the step times out or the process shuts down. */
  signal: AbortSignal;
  /** Reports progress to the thread (throttled by the engine's observer). */
  progress(text: string): void;
  /** Persists an external request id before the step finishes, so a crash report can name it. */
  recordExternalId(key: string, value: string): Promise<void>;
}

/** What a read-only state check after an interruption gets. */
export interface CheckStateContext {
  logger: Logger;
  signal: AbortSignal;
  /** External ids the interrupted step recorded (e.g. a change set id), to look them up. */
  externalIds: Record<string, string>;
}

export interface CleanUpContext {
  /** The operation as it ended (its results hold what the steps created). */
  operation: Operation;
  logger: Logger;
  signal: AbortSignal;
}

/** A file a step wants shown in the thread (e.g. a metrics chart). Shown, never persisted. */
export interface StepFile {
  filename: string;
  title: string;
  content: Buffer;
  altText?: string;
}

/** A new operation a step proposes once this one has ended (e.g. the undo of a failed rollback). */
export interface FollowUp {
  runbook: string;
  input: unknown;
  /** Why it is proposed, for the thread. */
  why: string;
}

/** What a step produced. A thrown error counts as a failure with the error's message. */
export interface StepOutcome {
  ok: boolean;
  summary: string;
  details?: PreviewLine[];
  externalIds?: Record<string, string>;
  files?: StepFile[];
  /** Proposed, as its own operation needing its own approval, when this operation ends. */
  followUp?: FollowUp;
  /**
   * Nothing more to do (e.g. a diagnosis found no problem, a retry recovered): when `ok`, the operation
   * ends as succeeded now, the remaining steps shown as skipped (not run). Ignored when the step failed.
   */
  done?: { summary: string };
}

/** What a plan menu's hook gets besides the picked value: the operation the menu belongs to, and its input. */
export interface PlanMenuContext<I> {
  operation: Operation;
  input: I;
  logger: Logger;
}

/**
 * The input of the operation that replaces one awaiting approval when `choice` is picked in its plan's
 * menu (e.g. rollback's "another build" sets `to`), or why the choice cannot be taken. Called after the
 * approval gate allowed the clicker to cancel; read-only (the new input gets its own plan and approval).
 */
export type PlanMenuHook<I> = (choice: string, ctx: PlanMenuContext<I>) => Promise<ParseResult<I>>;

/** One runbook procedure as code: parses its input, builds plans, runs their steps. */
export interface Runbook<I = unknown> {
  /** The slash subcommand, e.g. `retract`. */
  name: string;
  title: string;
  /** Usage lines shown by help and on malformed input. */
  usage: string[];
  /** Validates persisted input when the plan is rebuilt. */
  inputSchema: z.ZodType<I>;
  /** Parses the words after the subcommand. */
  parse(args: string[]): ParseResult<I>;
  /**
   * The arguments as a schema whose fields carry ArgMeta (see runbook-args.ts): the command's words and a
   * form's fields are two spellings of it. A form writes its values back as words and calls `parse`, so a
   * form creates exactly the operation the slash command would.
   */
  args?: ArgsSchema;
  /** Builds the plan from input and read-only lookups; throws UserFacingError when it cannot. */
  buildPlan(input: I, ctx: PlanContext): Promise<Plan>;
  /**
   * What the input acts on, as a stable string (e.g. `committed-dataset:<id>`). When given, a plan warns
   * about operations on the same target in the last hour, and an identical pending request is refused
   * with a pointer to the first. Undefined: this input acts on nothing worth warning about (e.g. a read).
   */
  targetOf?(input: I): string | undefined;
  /**
   * The kinds of step this runbook's plans contain (step-kinds.ts): each step's `action.kind` names one, whose
   * schema parses the step's params when the plan is built, before it is stored and before the step runs; the
   * engine runs the step through its kind. A plan with an undeclared kind or bad params fails closed.
   */
  steps?: readonly AnyStepKind[];
  /** Runs one approved step and verifies it (only for a runbook that declares no `steps`). */
  runStep?(step: Step, input: I, ctx: StepRunContext): Promise<StepOutcome>;
  /** Longest time a step may run before it is aborted and failed. */
  stepTimeoutMs?: number;
  /**
   * Read-only look at whether an interrupted step took effect (e.g. the change set's status); a step kind's
   * own `checkState` comes first. Without either, "check state" shows the step as it would be planned now.
   */
  checkState?(step: Step, input: I, ctx: CheckStateContext): Promise<StepOutcome>;
  /**
   * Called once, by the replica that ended it, when an operation is cancelled or expires: releases what its
   * steps prepared and nothing used (e.g. change sets). Best effort; returns a line for the thread, or
   * undefined when there was nothing to release.
   */
  cleanUp?(input: I, ctx: CleanUpContext): Promise<string | undefined>;
  /**
   * The input this runbook proposes for an alarm it handles (the alarm listener asks each runbook in
   * turn and proposes the first claim in the alarm's thread); undefined when the alarm is not its own.
   */
  fromAlarm?(alarm: Alarm): I | undefined;
  /**
   * An input this runbook offers, as a button in the alarm's thread, for an alarm that may also be its
   * case but that another runbook claims (e.g. a dagão task failure that is a model build failure).
   * Nothing starts until someone clicks; the clicker is the requester.
   */
  offerForAlarm?(alarm: Alarm): I | undefined;
  /**
   * The hooks of the select menus this runbook's plans carry (Plan.menu), by action id. The Slack layer
   * knows no runbook: one generic handler registers every id listed here, and a pick cancels the
   * operation (through the gate, as Cancel) and proposes a new one with the input the hook returns.
   */
  planMenus?: Readonly<Record<string, PlanMenuHook<I>>>;
}

/** A runbook of any input type (each validates its own input). */
export type AnyRunbook = Runbook<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runbooks by subcommand name. */
export type RunbookRegistry = ReadonlyMap<string, AnyRunbook>;
