import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationEvent } from '../operations/observer';
import type { Operation } from '../operations/types';
import { ACTIVE_STATES, type OperationStore } from '../store/store';

/** Buckets for things people wait on (approvals): seconds to hours. */
const HUMAN_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600];
/** Buckets for backend steps: fast HTTP calls to long deploys. */
const STEP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Slack wants an ack within 3 s; the interesting range is well below it. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];

/** The bot's Prometheus metrics, in a registry of their own (several bots may share a test process). */
export class BotMetrics {
  readonly registry = new Registry();
  readonly operationsProposed: Counter<'runbook'>;
  readonly operationsFinished: Counter<'runbook' | 'state'>;
  readonly stepDuration: Histogram<'runbook' | 'step' | 'outcome'>;
  readonly approvalWait: Histogram<'runbook' | 'risk'>;
  readonly slackAck: Histogram<'status'>;
  readonly backendErrors: Counter<'adapter' | 'code'>;

  constructor(opts: { store?: OperationStore; defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'runbook_bot_' });
    this.operationsProposed = new Counter({
      name: 'runbook_operations_proposed_total',
      help: 'Operations proposed (plan posted), by runbook.',
      labelNames: ['runbook'],
      registers,
    });
    this.operationsFinished = new Counter({
      name: 'runbook_operations_total',
      help: 'Operations that reached a final state (succeeded, failed, cancelled, expired, interrupted), by runbook.',
      labelNames: ['runbook', 'state'],
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'runbook_step_duration_seconds',
      help: 'How long each step ran, by runbook, step id and outcome.',
      labelNames: ['runbook', 'step', 'outcome'],
      buckets: STEP_BUCKETS,
      registers,
    });
    this.approvalWait = new Histogram({
      name: 'runbook_approval_wait_seconds',
      help: 'Time from a gate opening (plan posted or previous step done) until its last required approval, by runbook and risk.',
      labelNames: ['runbook', 'risk'],
      buckets: HUMAN_BUCKETS,
      registers,
    });
    this.slackAck = new Histogram({
      name: 'runbook_slack_ack_seconds',
      help: 'Time from receiving a Slack request on /slack/events until the HTTP response (the ack) was sent.',
      labelNames: ['status'],
      buckets: ACK_BUCKETS,
      registers,
    });
    this.backendErrors = new Counter({
      name: 'runbook_backend_errors_total',
      help: 'Failed backend calls, by adapter and error code.',
      labelNames: ['adapter', 'code'],
      registers,
    });
    const store = opts.store;
    if (store) {
      new Gauge({
        name: 'runbook_operations_active',
        help: 'Operations not yet in a final state, by state (read from the store at scrape time).',
        labelNames: ['state'],
        registers,
        async collect() {
          const ops = await store.listByState(ACTIVE_STATES);
          for (const state of ACTIVE_STATES) this.set({ state }, ops.filter((o) => o.state === state).length);
        },
      });
    }
  }

  /** Records what an engine event says about an operation. */
  observe(op: Operation, event: OperationEvent): void {
    switch (event.type) {
      case 'step_finished':
        this.stepDuration.observe({ runbook: op.runbook, step: event.step.id, outcome: event.result.outcome }, event.result.durationMs / 1000);
        return;
      case 'approval_added': {
        if (event.remaining > 0) return;
        const wait = approvalWaitSeconds(op);
        const step = op.plan.steps[op.currentStep];
        if (wait !== undefined && step) this.approvalWait.observe({ runbook: op.runbook, risk: step.risk }, wait);
        return;
      }
      case 'finished':
      case 'cancelled':
      case 'expired':
      case 'interrupted':
        this.operationsFinished.inc({ runbook: op.runbook, state: op.state });
        return;
      default:
        return;
    }
  }

  /** Counts one failed backend call (see instrumentAdapter). */
  backendError(adapter: string, code: string): void {
    this.backendErrors.inc({ adapter, code });
  }

  /** Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Seconds between the current gate opening and its last approval. The gate opened when the plan was
 * posted (first step) or when the previous step finished; both are in the operation itself, so the
 * figure is right on whichever replica handled the click.
 */
export function approvalWaitSeconds(op: Operation): number | undefined {
  const step = op.plan.steps[op.currentStep];
  const approvals = op.approvals.filter((a) => a.stepId === step?.id);
  const last = approvals.at(-1);
  if (!step || !last) return undefined;
  const opened = Math.max(Date.parse(op.createdAt), ...op.results.map((r) => Date.parse(r.finishedAt)));
  const seconds = (Date.parse(last.at) - opened) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
