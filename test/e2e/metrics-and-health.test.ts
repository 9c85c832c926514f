import { scrape, sampleValue } from '../support/prometheus';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startE2E, useE2E, type E2E } from './harness';

/** Waits for the plan message the command just posted (not an older one). */
async function newPlan(e2e: E2E, text: string): Promise<ReturnType<typeof snapshot>> {
  const before = e2e.slack.topLevel(CHANNEL).length;
  await e2e.command(text);
  return snapshot(await waitFor(() => e2e.slack.topLevel(CHANNEL)[before], { what: `the plan for ${text}` }));
}

async function retract(e2e: E2E, kind = 'committed-dataset'): Promise<void> {
  const plan = await newPlan(e2e, `retract ${kind} ${DATASET_ID}`);
  await e2e.click(plan, 'op_approve', 'UAPP');
  await messageShowing(e2e.slack, plan.ts, /Succeeded|Failed/);
  await e2e.bot.engine.idle();
}

describe('/metrics after real operations', () => {
  const e2e = useE2E();

  it('starts with no operations counted, and serves the Prometheus text format', async () => {
    const res = await fetch(`${e2e.bot.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = await scrape(e2e.bot.url);
    expect(sampleValue(samples, 'runbook_operations_total', { runbook: 'retract', state: 'succeeded' })).toBeUndefined();
    expect(sampleValue(samples, 'runbook_bot_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a succeeded and a failed retraction, their step durations, approval waits, acks and the backend error', async () => {
    await retract(e2e);
    e2e.metapod.respond({ status: 503, body: 'transactor unavailable' });
    await retract(e2e, 'attribute');
    // A third one left awaiting approval shows as active.
    await newPlan(e2e, `retract indexed-attribute ${DATASET_ID}`);

    const s = await scrape(e2e.bot.url);
    expect(sampleValue(s, 'runbook_operations_proposed_total', { runbook: 'retract' })).toBe(3);
    expect(sampleValue(s, 'runbook_operations_total', { runbook: 'retract', state: 'succeeded' })).toBe(1);
    expect(sampleValue(s, 'runbook_operations_total', { runbook: 'retract', state: 'failed' })).toBe(1);
    expect(sampleValue(s, 'runbook_operations_active', { state: 'awaiting_approval' })).toBe(1);
    expect(sampleValue(s, 'runbook_step_duration_seconds_count', { runbook: 'retract', step: 'retract', outcome: 'succeeded' })).toBe(1);
    expect(sampleValue(s, 'runbook_step_duration_seconds_count', { runbook: 'retract', step: 'retract', outcome: 'failed' })).toBe(1);
    expect(sampleValue(s, 'runbook_approval_wait_seconds_count', { runbook: 'retract', risk: 'mutating' })).toBe(2);
    expect(sampleValue(s, 'runbook_backend_errors_total', { adapter: 'metapod', code: 'http_status' })).toBe(1);
    // Three commands and two clicks, each acked with 200.
    expect(sampleValue(s, 'runbook_slack_ack_seconds_count', { status: '200' })).toBe(5);
    expect(sampleValue(s, 'runbook_slack_ack_seconds_bucket', { status: '200', le: '3' })).toBe(5);
  });

  it('counts cancelled operations by their final state', async () => {
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    await e2e.click(plan, 'op_cancel', 'UREQ');
    await messageShowing(e2e.slack, plan.ts, /Cancelled/);
    const s = await scrape(e2e.bot.url);
    expect(sampleValue(s, 'runbook_operations_total', { runbook: 'retract', state: 'cancelled' })).toBe(1);
    expect(sampleValue(s, 'runbook_approval_wait_seconds_count', { runbook: 'retract', risk: 'mutating' })).toBeUndefined();
    expect(e2e.metapod.requests).toHaveLength(0);
  });
});

describe('/healthz and /readyz report the store and Slack separately', () => {
  it('are ok when both work, and name Slack when its API refuses the token', async () => {
    const e2e = await startE2E();
    try {
      const health = await fetch(`${e2e.bot.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', store: 'ok', slack: 'http' });
      const ready = await fetch(`${e2e.bot.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', store: 'ok', slack: 'http', slack_api: 'ok' });
      expect(e2e.slack.callsTo('auth.test')).toHaveLength(2); // start-up, then /readyz
      // A browser opening any of these asks for the icon: no content, not a 404.
      const icon = await fetch(`${e2e.bot.url}/favicon.ico`);
      expect(icon.status).toBe(204);
      expect(await fetch(`${e2e.bot.url}/favicon.ico`, { method: 'POST' }).then((r) => r.status)).toBe(404);
    } finally {
      await e2e.close();
    }
  });

  it('/readyz is 503 naming slack_api when Slack rejects the token, while /healthz stays 200', async () => {
    const e2e = await startE2E();
    try {
      e2e.slack.failNext('auth.test', 'invalid_auth');
      const ready = await fetch(`${e2e.bot.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'unhealthy', store: 'ok', slack_api: expect.stringMatching(/^error: .*invalid_auth/) });
      expect((await fetch(`${e2e.bot.url}/healthz`)).status).toBe(200);
    } finally {
      await e2e.close();
    }
  });

  it('/healthz is 503 naming the store when it is closed', async () => {
    const e2e = await startE2E();
    try {
      await e2e.bot.store.close();
      const health = await fetch(`${e2e.bot.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unhealthy', store: expect.stringMatching(/^error: /), slack: 'http' });
    } finally {
      await e2e.close().catch(() => undefined);
    }
  });
});
