import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, DATASET_ID, snapshot, startE2E, useE2E, textOf, messageShowing } from './harness';

describe('retracting a committed dataset from Slack, end to end', () => {
  const e2e = useE2E();

  it("plans, refuses the requester, runs once on a colleague's approval and reports the result", async () => {
    const ack = await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');

    const plan = snapshot(await e2e.planMessage());
    const text = textOf(plan);
    expect(text).toContain(`POST ${e2e.metapod.url}/api/migrations/retract/committed-dataset/${DATASET_ID}`);
    expect(text).toContain('(empty body)');
    expect(text).toMatch(/dataset itself stays in its transaction/);
    expect(text).toMatch(/mutating \(1 approver\)/);
    expect(text).toMatch(/any member of the channel except the requester/);
    expect(text).toMatch(/expires <!date\^\d+\^/);
    expect(buttonsOf(plan)).toEqual(['op_approve', 'op_cancel']);

    // The requester cannot approve their own request.
    await e2e.click(plan, 'op_approve', 'UREQ');
    await waitFor(() => e2e.ephemeralsFor('UREQ').find((t) => /four-eyes/.test(t)), { what: 'four-eyes refusal' });
    expect(e2e.metapod.requests).toHaveLength(0);

    // A colleague approves: exactly one request with an empty body.
    await e2e.click(plan, 'op_approve', 'UAPP');
    const done = await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
    expect(e2e.metapod.requests[0]).toMatchObject({ method: 'POST', path: `/api/migrations/retract/committed-dataset/${DATASET_ID}`, body: '' });
    expect(buttonsOf(done)).toEqual([]);
    expect(done.versions.some((v) => /Approved by <@UAPP>/.test(textOf(v)) && /Running/.test(textOf(v)))).toBe(true);

    const thread = e2e.slack.threadReplies(CHANNEL, plan.ts).map(textOf).join('\n');
    expect(thread).toMatch(/Approved by <@UAPP>; running/);
    expect(thread).toMatch(/succeeded \(attempt 1, \d+(\.\d)? m?s\)/);
    expect(thread).toMatch(/Metapod answered 200/);
    expect(thread).toContain(`"retracted":"${DATASET_ID}"`);

    // A late click is told the state and sends nothing.
    await e2e.click(plan, 'op_approve', 'UOTHER');
    await waitFor(() => e2e.ephemeralsFor('UOTHER').find((t) => /already succeeded/.test(t)), { what: 'late-click explanation' });
    expect(e2e.metapod.requests).toHaveLength(1);
  });

  it('acks the click before Metapod answers (work happens after the ack)', async () => {
    e2e.metapod.respond({ delayMs: 1500 });
    await e2e.command(`retract attribute ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    const res = await e2e.click(plan, 'op_approve', 'UAPP');
    expect(res.status).toBe(200);
    // The ack came back while the retraction was still in flight.
    await waitFor(() => e2e.metapod.requests.length === 1, { what: 'the Metapod request' });
    expect(textOf(e2e.slack.message(CHANNEL, plan.ts)!)).not.toMatch(/Succeeded/);
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
  });

  it('sends one request when the same click is delivered twice at once, or retried by Slack', async () => {
    e2e.metapod.respond({ delayMs: 200 });
    await e2e.command(`retract indexed-attribute ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    const [a, b] = await Promise.all([e2e.click(plan, 'op_approve', 'UAPP'), e2e.click(plan, 'op_approve', 'UAPP')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await e2e.click(plan, 'op_approve', 'UAPP', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    await e2e.bot.engine.idle();
    expect(e2e.metapod.requests).toHaveLength(1);
    await waitFor(() => e2e.ephemeralsFor('UAPP').length >= 2, { what: 'state explanations for the duplicate clicks' });
    expect(e2e.ephemeralsFor('UAPP').every((t) => /already (running|succeeded)|will not run twice/.test(t))).toBe(true);
  });

  it('cancels on request; a click after the cancel sends nothing', async () => {
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    await e2e.click(plan, 'op_cancel', 'UREQ');
    const cancelled = await messageShowing(e2e.slack, plan.ts, /Cancelled/);
    expect(buttonsOf(cancelled)).toEqual([]);
    await e2e.click(plan, 'op_approve', 'UAPP');
    await waitFor(() => e2e.ephemeralsFor('UAPP').find((t) => /was cancelled/.test(t)), { what: 'cancelled explanation' });
    expect(e2e.metapod.requests).toHaveLength(0);
  });

  it('shows recent operations and one operation with its audit trail', async () => {
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    await e2e.click(plan, 'op_approve', 'UAPP');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    const opId = /`(op-[a-z0-9]{8})`/.exec(textOf(plan))![1]!;

    const list = await e2e.command('status');
    const listed = await waitFor(() => e2e.slack.responsesTo(list.responseUrl)[0], { what: 'status list' });
    expect(listed).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(listed as never)).toContain(opId);
    expect(textOf(listed as never)).toMatch(/Succeeded/);

    const one = await e2e.command(`status ${opId}`);
    const detail = textOf(await waitFor(() => e2e.slack.responsesTo(one.responseUrl)[0], { what: 'status detail' }));
    for (const entry of ['created', 'message posted', 'approved', 'step started', 'step finished', 'succeeded']) expect(detail).toContain(`*${entry}*`);
    expect(detail).toContain('<@UAPP>');
  });
});

describe('a long step', () => {
  it('reports progress in one thread message, edited in place at a bounded rate', async () => {
    const e2e = await startE2E({ overrides: { progressEveryMs: 100, progressMinIntervalMs: 300 } });
    try {
      e2e.metapod.respond({ delayMs: 1600 });
      await e2e.command(`retract committed-dataset ${DATASET_ID}`);
      const plan = snapshot(await e2e.planMessage());
      await e2e.click(plan, 'op_approve', 'UAPP');
      await messageShowing(e2e.slack, plan.ts, /Succeeded/);
      const progress = e2e.slack.threadReplies(CHANNEL, plan.ts).filter((m) => /Still running/.test(textOf(m)));
      expect(progress).toHaveLength(1);
      // About 1.6 s at one edit per 300 ms at most: a handful of versions, not one per 100 ms tick.
      expect(progress[0]!.versions.length).toBeGreaterThanOrEqual(2);
      expect(progress[0]!.versions.length).toBeLessThanOrEqual(7);
      expect(textOf(progress[0]!)).toMatch(/Still running \(1\.\d s so far\)/);
    } finally {
      await e2e.close();
    }
  });
});
