import type { OperationEvent, OperationObserver } from '../operations/observer';
import type { Operation } from '../operations/types';
import type { BotMetrics } from './metrics';

/** Counts what the engine reports, then lets the wrapped observer (Slack) show it. */
export class MetricsObserver implements OperationObserver {
  constructor(
    private readonly inner: OperationObserver,
    private readonly metrics: BotMetrics,
  ) {}

  async publish(op: Operation): Promise<{ messageTs: string }> {
    const posted = await this.inner.publish(op);
    // Counted once the plan is visible: a plan Slack refused was never really proposed to anyone.
    this.metrics.operationsProposed.inc({ runbook: op.runbook });
    return posted;
  }

  async notify(op: Operation, event: OperationEvent): Promise<void> {
    // Metrics must never stop people from seeing the change.
    try {
      this.metrics.observe(op, event);
    } catch {
      /* a metrics bug is not worth a lost Slack update */
    }
    await this.inner.notify(op, event);
  }
}
