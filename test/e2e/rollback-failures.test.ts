import { stepFingerprint } from '../../src/operations/fingerprint';
import { startCloudFormationFake } from '../../src/sandbox/fakes/cloudformation';
import { blockAction } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, snapshot, startE2E, textOf } from './harness';
import { answerTo, BAD, blueGreen, firstGate, GOOD, OLDER, planAt, seedHistory, short, threadText, useRollbackE2E } from './rollback-harness';

describe('rollback refusals, failures and the undo, end to end', () => {
  const t = useRollbackE2E();

  it('refuses while a to-prod runs on GoCD, and while a stack is being updated; nothing is created', async () => {
    t.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'metapod');
    t.gocd.setRuns('to-prod', [{ pipeline: 'to-prod', counter: 10, upstream: ['metapod/42/release/1'], state: 'building' }]);
    const first = await t.e2e.command('rollback metapod');
    expect(await answerTo(t.e2e, first.responseUrl)).toMatch(
      /^:warning: A `to-prod` run is in progress on GoCD \(#10, started .*\): http:\/\/127\.0\.0\.1:\d+\/go\/tab\/pipeline\/history\/to-prod\. Its deploy would race with the rollback/,
    );

    t.gocd.setRuns('to-prod', [{ pipeline: 'to-prod', counter: 10, upstream: ['metapod/42/release/1'] }]);
    t.cfn.stacks.get('prod-global-k-metapod')!.status = 'UPDATE_IN_PROGRESS';
    const second = await t.e2e.command('rollback metapod');
    expect(await answerTo(t.e2e, second.responseUrl)).toContain('`prod-global-k-metapod` is UPDATE_IN_PROGRESS. A stack is being changed right now');
    expect(t.cfn.actions().filter((a) => a !== 'DescribeStacks')).toEqual([]);
    expect(t.e2e.slack.topLevel(CHANNEL)).toEqual([]);
  });

  it('explains bad input: malformed SHA, unknown service, a stack without Blue/Green parameters', async () => {
    const sha = await t.e2e.command('rollback metapod --to 6c957ez');
    expect(textOf(sha.json as never)).toContain('`6c957ez` is not a commit SHA: give 7 to 40 hexadecimal characters');
    seedHistory(t.gocd, 'metapod');
    const unknown = await t.e2e.command('rollback nope');
    expect(await answerTo(t.e2e, unknown.responseUrl)).toContain(
      'Unknown service `nope`: there is no stack `prod-global-k-nope` and no `prod-SHARD-k-nope` stack. Check the name.',
    );
    t.cfn.addStack('prod-global-k-metapod', { Version: 'abc1234', InstanceCount: '3' });
    const plain = await t.e2e.command('rollback metapod');
    expect(await answerTo(t.e2e, plain.responseUrl)).toContain('Stack `prod-global-k-metapod` has no Blue/Green parameters');
    expect(t.cfn.mutatingCalls()).toEqual([]);
  });

  it('verification times out: the operation fails, the bad color is never taken down, and the undo is offered and works', async () => {
    t.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'metapod');
    t.svc.setAnswers('metapod', 'global', [short(BAD)]); // the new color never answers
    await t.e2e.command('rollback metapod');
    const gate = await firstGate(t.e2e);
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    const failed = await planAt(t.e2e, gate.ts, /Failed/);
    expect(textOf(failed)).toMatch(/Verification timed out: 600d600 was not seen as expected within 2 s/);
    const thread = await waitFor(() => threadText(t.e2e, gate.ts).match(/Proposed as/) && threadText(t.e2e, gate.ts), { what: 'the undo proposal' });
    expect(thread).toMatch(/NOT OK: 0 of the last 10 answers were 600d600; 0 errors; also seen: bad0bad/);
    expect(thread).toContain('prod-global-k-metapod: last answers:* bad0bad, bad0bad');
    expect(thread).toContain('prod-global-k-metapod now:* UPDATE_COMPLETE; Blue: bad0bad x 3, Green: 600d600 x 3');
    expect(thread).toMatch(/Undo: restore the previous parameters of prod-global-k-metapod\. Proposed as `op-[a-z0-9]{8}`/);

    // A forged approval of the scale-down (right step id and fingerprint) runs nothing.
    const op = (await t.e2e.bot.store.listRecent(5)).find((o) => o.runbook === 'rollback')!;
    const scaleDown = op.plan.steps.find((s) => s.id === 'scale-down')!;
    await t.e2e.post(
      blockAction({
        userId: 'UAPP',
        actionId: 'op_approve',
        value: `${op.id}|scale-down|${stepFingerprint(scaleDown, op.plan.facts)}`,
        messageTs: gate.ts,
        channelId: CHANNEL,
        responseUrl: t.e2e.slack.newResponseUrl(),
      }),
    );
    await waitFor(() => t.e2e.ephemeralsFor('UAPP').find((m) => /already failed|failed/.test(m)), { what: 'refusal of the forged approval' });
    expect(t.cfn.mutatingCalls()).toEqual(['ExecuteChangeSet prod-global-k-metapod']);
    expect(t.cfn.requests.filter((r) => r.action === 'CreateChangeSet' && /scale-down/.test(r.params.ChangeSetName!))).toEqual([]);

    // The undo is its own operation in the thread, with its own preview and approval.
    const undo = await waitFor(
      () => t.e2e.slack.threadReplies(CHANNEL, gate.ts).find((m) => /Undo the rollback of metapod/.test(textOf(m)) && buttonsOf(m).includes('op_approve')),
      { what: 'the undo plan at its gate', timeoutMs: 8000 },
    );
    expect(textOf(undo)).toContain(`GreenVersion        ${short(GOOD)} -&gt; ${short(OLDER)}`);
    expect(textOf(undo)).toContain('GreenInstanceCount  3 -&gt; 0');
    expect(t.cfn.mutatingCalls()).toHaveLength(1);
    await t.e2e.click(snapshot(undo), 'op_approve', 'UAPP');
    await waitFor(() => (/Succeeded/.test(textOf(t.e2e.slack.message(CHANNEL, undo.ts)!)) ? true : undefined), {
      what: 'the undo to succeed',
      timeoutMs: 8000,
    });
    expect(t.cfn.stacks.get('prod-global-k-metapod')!.parameters).toMatchObject({
      BlueVersion: short(BAD),
      BlueInstanceCount: '3',
      GreenVersion: short(OLDER),
      GreenInstanceCount: '0',
    });
    expect(t.cfn.mutatingCalls()).toEqual(['ExecuteChangeSet prod-global-k-metapod', 'ExecuteChangeSet prod-global-k-metapod']);
  });

  it('a failed update stops at that shard, says what state each stack is in, and offers to undo the shards already updated', async () => {
    for (const shard of ['s0', 's1', 's2']) t.cfn.addStack(`prod-${shard}-k-correnteza`, blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'correnteza');
    t.cfn.failNextUpdate('prod-s1-k-correnteza', 'Resource handler returned message: Instance failed to stabilize');
    await t.e2e.command('rollback correnteza');
    const gate = await firstGate(t.e2e);
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    const failed = await planAt(t.e2e, gate.ts, /Failed/);
    expect(textOf(failed)).toContain(
      'The update of prod-s1-k-correnteza did not complete (UPDATE_ROLLBACK_COMPLETE). Stopped here; already updated: prod-s0-k-correnteza. Not touched: prod-s2-k-correnteza (their change sets were deleted, so nobody executes them by mistake).',
    );
    expect(t.cfn.stacks.get('prod-s2-k-correnteza')!.changeSets.size).toBe(0);
    const thread = await waitFor(() => threadText(t.e2e, gate.ts).match(/Proposed as/) && threadText(t.e2e, gate.ts), { what: 'the undo proposal' });
    expect(thread).toContain('prod-s0-k-correnteza now:* UPDATE_COMPLETE; Blue: bad0bad x 3, Green: 600d600 x 3');
    expect(thread).toContain('prod-s1-k-correnteza now:* UPDATE_ROLLBACK_COMPLETE; Blue: bad0bad x 3, Green: 01de01d x 0');
    expect(thread).toContain('prod-s2-k-correnteza now:* UPDATE_COMPLETE; Blue: bad0bad x 3, Green: 01de01d x 0');
    expect(thread).toMatch(/Instance failed to stabilize/);
    expect(thread).toMatch(/Undo: restore the previous parameters of prod-s0-k-correnteza\. Proposed as/);
    expect(t.cfn.mutatingCalls()).toEqual(['ExecuteChangeSet prod-s0-k-correnteza', 'ExecuteChangeSet prod-s1-k-correnteza']);
  });

  it('in place: one destructive change set with a downtime warning, two approvers, every answer must be the new SHA', async () => {
    t.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'metapod');
    t.svc.setAnswers('metapod', 'global', [short(GOOD)]);
    await t.e2e.command('rollback metapod --in-place');
    const gate = await firstGate(t.e2e);
    const text = textOf(gate);
    expect(text).toContain('In-place update to 600d600 (about 5 minutes of DOWNTIME)');
    expect(text).toMatch(/:rotating_light: Warning:\* About 5 minutes of downtime/);
    expect(text).toContain(`BlueVersion  ${short(BAD)} -&gt; ${short(GOOD)}`);
    expect(text).toMatch(/Needs 2 more approvals/);
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    await waitFor(() => t.e2e.ephemeralsFor('UAPP').find((m) => /needs 1 more approver/.test(m)), { what: 'first approval' });
    expect(t.cfn.mutatingCalls()).toEqual([]);
    await t.e2e.click(gate, 'op_approve', 'UAPP2');
    await planAt(t.e2e, gate.ts, /Succeeded/);
    expect(t.cfn.stacks.get('prod-global-k-metapod')!.parameters).toMatchObject({ BlueVersion: short(GOOD), BlueInstanceCount: '3', GreenInstanceCount: '0' });
    expect(threadText(t.e2e, gate.ts)).toMatch(/OK: 5 of the last 5 answers were 600d600/);
  });
});

describe('rollback without GoCD configured', () => {
  it('refuses with what to configure, and calls nothing', async () => {
    const cfn = await startCloudFormationFake();
    const e2e = await startE2E({ env: { AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url } });
    try {
      const res = await e2e.command('rollback metapod');
      expect(await answerTo(e2e, res.responseUrl)).toBe(
        ':warning: `/runbook rollback` is disabled: `GOCD_URL` is not configured (GoCD). Ask whoever runs the bot to set it.',
      );
      expect(cfn.requests).toEqual([]);
    } finally {
      await e2e.close();
      await cfn.close();
    }
    cfn.assertNoUnexpected();
  });
});
