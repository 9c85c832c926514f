import type { z } from 'zod';
import type { CheckStateContext, PlanContext, Runbook, StepOutcome, StepRunContext } from './runbook';
import { UserFacingError } from './runbook';
import type { Plan, Step } from './types';

/**
 * One kind of step a runbook declares: the schema of its parameters and how it runs. Parameters are
 * plain data persisted with the operation, so they are parsed with `params` whenever a plan is built,
 * before it is stored, and again right before the step runs; nothing reads them without the schema.
 */
export interface StepKind<P = unknown, I = unknown> {
  /** The `action.kind` steps of this kind carry, e.g. `metapod.retract`. */
  kind: string;
  /** Kinds earlier versions stored for the same step (old records keep loading). */
  aliases?: readonly string[];
  params: z.ZodType<P>;
  /** Runs one approved (or read-only) step with its parsed parameters. */
  run(params: P, input: I, ctx: StepRunContext): Promise<StepOutcome>;
  /** Read-only look at whether an interrupted step of this kind took effect. */
  checkState?(params: P, input: I, ctx: CheckStateContext & { step: Step }): Promise<StepOutcome>;
}

/** A step kind of any parameter and input type (each parses its own). */
export type AnyStepKind = StepKind<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Declares a step kind; a function only so that `run` gets its parameter type from the schema. */
export function stepKind<P, I>(kind: StepKind<P, I>): StepKind<P, I> {
  return kind;
}

export type ParsedStep = { ok: true; kind: AnyStepKind; params: unknown } | { ok: false; error: string };

/**
 * The declared kinds `step` may be: the one named so, else those that list the name as an alias. Several kinds
 * may share an alias (e.g. the generic `cli` stored before each command had its own kind); the step is the one
 * whose schema accepts its params.
 */
function candidatesOf(kinds: readonly AnyStepKind[], step: Pick<Step, 'action'>): AnyStepKind[] {
  const named = kinds.find((k) => k.kind === step.action.kind);
  return named ? [named] : kinds.filter((k) => (k.aliases ?? []).includes(step.action.kind));
}

/** The first problem zod found, as `field \`path\` message`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(the parameters)';
  return `field \`${field}\` ${issue?.message ?? 'is invalid'}`;
}

/** Parses a step's parameters with its kind's schema; the error names the step and the first bad field. */
export function parseStep(kinds: readonly AnyStepKind[], step: Pick<Step, 'id' | 'action'>): ParsedStep {
  const candidates = candidatesOf(kinds, step);
  if (candidates.length === 0) return { ok: false, error: `Step \`${step.id}\` has the unknown kind \`${step.action.kind}\`.` };
  const problems: string[] = [];
  for (const kind of candidates) {
    const parsed = kind.params.safeParse(step.action.params);
    if (parsed.success) return { ok: true, kind, params: parsed.data };
    problems.push(candidates.length === 1 ? firstIssue(parsed.error) : `as ${kind.kind}, ${firstIssue(parsed.error)}`);
  }
  return { ok: false, error: `Step \`${step.id}\` (${step.action.kind}) has invalid parameters: ${problems.join('; ')}.` };
}

/** Throws a UserFacingError when a step of `plan` has an undeclared kind or parameters its kind rejects. */
export function checkPlanSteps(runbook: Pick<Runbook, 'name' | 'steps'>, plan: Plan): void {
  for (const step of plan.steps) {
    const parsed = parseStep(runbook.steps, step);
    if (!parsed.ok) throw new UserFacingError(`The ${runbook.name} runbook built a plan it cannot run: ${parsed.error}`, 'invalid_step');
  }
}

/** Builds a plan and checks every step against the runbook's step kinds (plan time and before it is stored). */
export async function buildCheckedPlan(runbook: Runbook, input: unknown, ctx: PlanContext): Promise<Plan> {
  const plan = await runbook.buildPlan(input, ctx);
  checkPlanSteps(runbook, plan);
  return plan;
}

/** The operation's stored input, parsed with the runbook's schema (it comes back from the store as data). */
function parseInput<I>(runbook: Runbook<I>, input: unknown): { ok: true; input: I } | { ok: false; error: string } {
  const parsed = runbook.inputSchema.safeParse(input);
  return parsed.success ? { ok: true, input: parsed.data } : { ok: false, error: `The operation's stored input is invalid: ${firstIssue(parsed.error)}.` };
}

/**
 * Runs a step through its declared kind with freshly parsed parameters and input. A step whose stored parameters
 * or input do not parse, of an undeclared kind, or of a runbook that is unavailable (not configured) is refused.
 */
export function runStepOf<I>(runbook: Runbook<I>, step: Step, input: unknown, ctx: StepRunContext): Promise<StepOutcome> {
  if (runbook.unavailable) return Promise.resolve({ ok: false, summary: `Refused step \`${step.id}\`: ${runbook.unavailable} Nothing was run.` });
  const parsed = parseStep(runbook.steps, step);
  const checked = parseInput(runbook, input);
  const refuse = (error: string): Promise<StepOutcome> => Promise.resolve({ ok: false, summary: `Refused: ${error} Nothing was run; start a new request.` });
  if (!parsed.ok) return refuse(parsed.error);
  if (!checked.ok) return refuse(checked.error);
  return parsed.kind.run(parsed.params, checked.input, ctx);
}

/** The state check of an interrupted step, by its kind; undefined when the kind has none (the caller shows a fresh preview). */
export function checkStateOf<I>(runbook: Runbook<I>, step: Step, input: unknown, ctx: CheckStateContext): Promise<StepOutcome> | undefined {
  if (runbook.unavailable) return Promise.resolve({ ok: false, summary: `Cannot check step \`${step.id}\`: ${runbook.unavailable}` });
  const parsed = parseStep(runbook.steps, step);
  const checked = parseInput(runbook, input);
  if (!parsed.ok) return Promise.resolve({ ok: false, summary: `Cannot check this step: ${parsed.error}` });
  if (!checked.ok) return Promise.resolve({ ok: false, summary: `Cannot check this step: ${checked.error}` });
  return parsed.kind.checkState?.(parsed.params, checked.input, { ...ctx, step });
}
