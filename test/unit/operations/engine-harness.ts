import pino from 'pino';
import { z } from 'zod';
import { OperationEngine, type EngineOptions } from '../../../src/operations/engine';
import { makePlan } from '../../../src/operations/fingerprint';
import type { OperationEvent, OperationObserver } from '../../../src/operations/observer';
import type { ApproverDirectory } from '../../../src/operations/policy';
import type { CheckStateContext, PlanContext, Runbook, StepOutcome, StepRunContext } from '../../../src/operations/runbook';
import { stepKind } from '../../../src/operations/step-kinds';
import type { Operation, Risk, Step } from '../../../src/operations/types';
import { MemoryStore } from '../../../src/store/memory';

export type StepBehaviour = (ctx: StepRunContext) => Promise<StepOutcome>;

/** A runbook whose steps, facts and behaviour the test controls; it records every run. */
export class FakeRunbook implements Runbook<{ target: string }> {
  name = 'fake';
  title = 'Fake';
  usage = ['/runbook fake <target>'];
  inputSchema = z.object({ target: z.string() });
  facts: Record<string, unknown> = { version: 1 };
  runs: { stepId: string; attempt: number }[] = [];
  behaviours: Record<string, StepBehaviour> = {};
  buildError?: Error;
  stepTimeoutMs?: number;
  /** The read-only check of an interrupted step (its kind's `checkState`); none: the engine shows a fresh preview. */
  stateCheck?: (ctx: CheckStateContext & { step: Step }) => Promise<StepOutcome>;
  /** One kind, `fake`, whose params are the step's index; it runs the behaviour the test set for the step id. */
  get steps() {
    const check = this.stateCheck;
    return [
      stepKind({
        kind: 'fake',
        params: z.object({ i: z.number().int().nonnegative() }),
        run: (_p, _input: { target: string }, ctx) => this.runOne(ctx.step, ctx),
        ...(check ? { checkState: (_p: unknown, _input: unknown, ctx: CheckStateContext & { step: Step }) => check(ctx) } : {}),
      }),
    ];
  }

  constructor(public risks: Risk[] = ['mutating']) {}

  parse(args: string[]) {
    return args[0] ? { ok: true as const, value: { target: args[0] } } : { ok: false as const, error: 'no target' };
  }

  /** Extra facts computed from the results so far (what a real runbook learns from earlier steps). */
  factsFromResults?: (results: PlanContext['results']) => Record<string, unknown>;
  /** How many of the steps the plan keeps, given the results so far (what a runbook that cuts its plan does). */
  stepsFromResults?: (results: PlanContext['results']) => number;
  builds = 0;
  /** The params of step `i` (default `{ i }`): a test sets bad ones to see them refused. */
  stepParams?: (i: number) => Record<string, unknown>;

  buildPlan(input: { target: string }, ctx?: PlanContext) {
    this.builds++;
    if (this.buildError) return Promise.reject(this.buildError);
    return Promise.resolve(
      makePlan({
        runbook: 'fake',
        title: `Fake on ${input.target}`,
        summary: 'fake',
        facts: { ...this.facts, ...this.factsFromResults?.(ctx?.results ?? []) },
        steps: this.risks.slice(0, this.stepsFromResults?.(ctx?.results ?? []) ?? this.risks.length).map((risk, i) => ({
          id: `step-${i + 1}`,
          title: `Step ${i + 1}`,
          risk,
          preview: [{ label: 'Call', value: `do ${i + 1} on ${input.target}`, code: true }],
          verification: 'it says ok',
          action: { kind: 'fake', params: this.stepParams?.(i) ?? { i } },
        })),
      }),
    );
  }

  private async runOne(step: { id: string }, ctx: StepRunContext): Promise<StepOutcome> {
    this.runs.push({ stepId: step.id, attempt: ctx.attempt });
    const behaviour = this.behaviours[step.id];
    return behaviour ? behaviour(ctx) : { ok: true, summary: `${step.id} done` };
  }
}

/** Records what the engine would show in Slack. */
export class RecordingObserver implements OperationObserver {
  published: Operation[] = [];
  events: { opId: string; state: string; event: OperationEvent }[] = [];
  failPublish?: Error;

  publish(op: Operation) {
    if (this.failPublish) return Promise.reject(this.failPublish);
    this.published.push(op);
    return Promise.resolve({ messageTs: `1700000000.00010${this.published.length}` });
  }

  notify(op: Operation, event: OperationEvent) {
    this.events.push({ opId: op.id, state: op.state, event });
    return Promise.resolve();
  }

  types(): string[] {
    return this.events.map((e) => e.event.type);
  }
}

export class FakeDirectory implements ApproverDirectory {
  constructor(public groups: Record<string, string[]> = {}) {}
  groupMembers(id: string) {
    return Promise.resolve(this.groups[id] ?? []);
  }
}

/** Where the harness's operations live, and so where valid clicks come from. */
export const HOME = { channel: 'CDATA', team: 'T0001' };

export interface Harness {
  engine: OperationEngine;
  store: MemoryStore;
  runbook: FakeRunbook;
  observer: RecordingObserver;
  clock: { now: Date };
  propose(target?: string): Promise<Operation>;
  approveAs(op: Operation, userId: string, fingerprint?: string): ReturnType<OperationEngine['approve']>;
}

/** An engine over a memory store with a fake runbook; time is real unless the test moves `clock`. */
export function engineHarness(
  options: { risks?: Risk[]; approvers?: string[]; groups?: Record<string, string[]>; engine?: Partial<EngineOptions>; store?: MemoryStore } = {},
): Harness {
  const clock = { now: new Date() };
  let frozen = false;
  const now = () => (frozen ? clock.now : new Date());
  const store = options.store ?? new MemoryStore(now);
  const runbook = new FakeRunbook(options.risks);
  const observer = new RecordingObserver();
  const engine = new OperationEngine({
    store,
    runbooks: new Map([['fake', runbook]]),
    policy: { approvers: options.approvers ?? [], directory: new FakeDirectory(options.groups) },
    observer,
    logger: pino({ level: 'silent' }),
    approvalTtlMs: 30 * 60_000,
    now,
    ...options.engine,
  });
  const clockProxy = {
    get now() {
      return now();
    },
    set now(value: Date) {
      frozen = true;
      clock.now = value;
    },
  };
  return {
    engine,
    store,
    runbook,
    observer,
    clock: clockProxy,
    propose: (target = 'metapod') => engine.propose({ runbook: 'fake', input: { target }, requester: 'UREQ', location: { channel: 'CDATA', team: 'T0001' } }),
    approveAs: async (op, userId, fingerprint) => {
      const current = (await store.get(op.id))!;
      const { stepFingerprint } = await import('../../../src/operations/fingerprint');
      const { attemptOf } = await import('../../../src/operations/changes');
      const step = current.plan.steps[current.currentStep]!;
      return engine.approve({
        operationId: op.id,
        stepId: step.id,
        fingerprint: fingerprint ?? stepFingerprint(step, current.plan.facts, attemptOf(current, step.id)),
        userId,
        from: HOME,
      });
    },
  };
}

/** The same store with a random delay (0 to `maxMs`) before every call, so concurrent callers really interleave. */
export function jitteryStore(store: MemoryStore, maxMs = 5): MemoryStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, Math.random() * maxMs));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
