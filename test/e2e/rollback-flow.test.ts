import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';
import { blockActionPayload } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { buttonsOf, CHANNEL, snapshot, textOf } from './harness';
import { BAD, blueGreen, firstGate, GOOD, OLDER, planAt, seedHistory, short, threadText, useRollbackE2E } from './rollback-harness';

describe('rolling back a service from Slack, end to end (CloudFormation, GoCD and the service on loopback)', () => {
  const t = useRollbackE2E();

  it('global service: previews the change set, deploys on approval, verifies, then takes the bad color down with two approvers', async () => {
    t.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'metapod');
    t.svc.setAnswers('metapod', 'global', [short(BAD), short(GOOD)]);

    const ack = await t.e2e.command('rollback metapod');
    expect(ack.status).toBe(200);
    const gate = await firstGate(t.e2e);
    const text = textOf(gate);
    // The build history as GoCD has it (build-number:full-SHA), the deployed and proposed builds marked.
    expect(text).toContain(`#42:${BAD} passed  Rui &lt;rui@example.com&gt;: Buggy change  &lt;- deployed`);
    expect(text).toContain(`#41:${GOOD} passed  Ana &lt;ana@example.com&gt;: Good change  &lt;- target`);
    expect(text).toMatch(/the newest passed build older than the deployed build #42/);
    // The parameter diff and the change set's resource changes, replacement flagged.
    expect(text).toContain(`GreenVersion        ${short(OLDER)} -&gt; ${short(GOOD)}`);
    expect(text).toContain('GreenInstanceCount  0 -&gt; 3');
    expect(text).toContain('Modify GreenLaunchConfiguration (AWS::AutoScaling::LaunchConfiguration)  !! REPLACEMENT');
    expect(text).toMatch(/Green is idle; Blue serves 3 on bad0bad/);
    expect(buttonsOf(gate)).toEqual(['op_approve', 'op_cancel']);
    expect(JSON.stringify(gate.blocks)).toContain('"action_id":"rollback_pick_build"');

    // Nothing mutating was called before approval: only reads and a change set (which applies nothing).
    expect(t.cfn.mutatingCalls()).toEqual([]);
    expect(t.cfn.actions()).toEqual(expect.arrayContaining(['DescribeStacks', 'GetTemplateSummary', 'CreateChangeSet', 'DescribeChangeSet']));
    const create = t.cfn.requests.find((r) => r.action === 'CreateChangeSet')!;
    expect(create.params).toMatchObject({ StackName: 'prod-global-k-metapod', UsePreviousTemplate: 'true', 'Capabilities.member.1': 'CAPABILITY_IAM' });
    expect(
      Object.entries(create.params)
        .filter(([k]) => /ParameterValue$/.test(k))
        .map(([, v]) => v),
    ).toEqual([short(GOOD), '3']);
    expect(t.gocd.requests.every((r) => r.method === 'GET' && r.headers.authorization === 'bearer gocd-e2e-token')).toBe(true);
    expect(t.svc.requests).toEqual([]);

    // The requester cannot approve; a colleague can.
    await t.e2e.click(gate, 'op_approve', 'UREQ');
    await waitFor(() => t.e2e.ephemeralsFor('UREQ').find((m) => /four-eyes/.test(m)), { what: 'four-eyes refusal' });
    expect(t.cfn.mutatingCalls()).toEqual([]);
    await t.e2e.click(gate, 'op_approve', 'UAPP');

    // Deploy, verification, then the scale-down gate (destructive, two approvers).
    await planAt(t.e2e, gate.ts, /Needs 2 more approvals/);
    await t.e2e.bot.engine.idle();
    const scaleGate = snapshot(t.e2e.slack.message(CHANNEL, gate.ts)!);
    expect(t.cfn.mutatingCalls()).toEqual(['ExecuteChangeSet prod-global-k-metapod']);
    expect(t.cfn.stacks.get('prod-global-k-metapod')!.parameters).toMatchObject({
      GreenVersion: short(GOOD),
      GreenInstanceCount: '3',
      BlueVersion: short(BAD),
      BlueInstanceCount: '3',
    });
    const thread = threadText(t.e2e, gate.ts);
    expect(thread).toMatch(/prod-global-k-metapod: GreenLaunchConfiguration UPDATE_(IN_PROGRESS|COMPLETE)/);
    expect(thread).toMatch(/Updated prod-global-k-metapod: UPDATE_COMPLETE/);
    expect(thread).toMatch(new RegExp(`OK: 3 of the last \\d+ answers were ${short(GOOD)}; 0 errors; also seen: ${short(BAD)}`));
    expect(textOf(scaleGate)).toContain('BlueInstanceCount  3 -&gt; 0');
    expect(textOf(scaleGate)).toContain('Modify BlueAutoScalingGroup (AWS::AutoScaling::AutoScalingGroup)');
    expect(JSON.stringify(scaleGate.blocks)).not.toContain('rollback_pick_build');

    await t.e2e.click(scaleGate, 'op_approve', 'UAPP');
    await waitFor(() => t.e2e.ephemeralsFor('UAPP').find((m) => /needs 1 more approver/.test(m)), { what: 'first destructive approval' });
    expect(t.cfn.mutatingCalls()).toHaveLength(1);
    // Once the bad color is gone, only the good version answers; the last step checks exactly that.
    t.svc.setAnswers('metapod', 'global', [short(GOOD)]);
    await t.e2e.click(scaleGate, 'op_approve', 'UAPP2');
    const done = await planAt(t.e2e, gate.ts, /Succeeded/);
    expect(textOf(done)).toContain(`${short(GOOD)} answers on every stack, and nothing else does.`);
    expect(buttonsOf(done)).toEqual([]);
    expect(t.cfn.mutatingCalls()).toEqual(['ExecuteChangeSet prod-global-k-metapod', 'ExecuteChangeSet prod-global-k-metapod']);
    expect(t.cfn.stacks.get('prod-global-k-metapod')!.parameters).toMatchObject({ GreenVersion: short(GOOD), GreenInstanceCount: '3', BlueInstanceCount: '0' });
    expect(t.e2e.slack.topLevel(CHANNEL)).toHaveLength(1);
  });

  it('sharded service over three shards: finds the shards, one change set each, verifies every shard', async () => {
    for (const shard of ['s0', 's1', 's2']) {
      t.cfn.addStack(`prod-${shard}-k-correnteza`, blueGreen(BAD, OLDER, 2));
      t.svc.setAnswers('correnteza', shard, [short(GOOD), short(BAD)]);
    }
    seedHistory(t.gocd, 'correnteza');

    await t.e2e.command('rollback correnteza');
    const gate = await firstGate(t.e2e);
    const text = textOf(gate);
    for (const shard of ['s0', 's1', 's2']) expect(text).toContain(`prod-${shard}-k-correnteza: resource changes`);
    expect(text).toContain('GreenInstanceCount  0 -&gt; 2');
    expect(t.cfn.requests.filter((r) => r.action === 'CreateChangeSet').map((r) => r.params.StackName)).toEqual([
      'prod-s0-k-correnteza',
      'prod-s1-k-correnteza',
      'prod-s2-k-correnteza',
    ]);
    expect(t.cfn.mutatingCalls()).toEqual([]);

    await t.e2e.click(gate, 'op_approve', 'UAPP');
    await planAt(t.e2e, gate.ts, /Needs 2 more approvals/);
    expect(t.cfn.mutatingCalls()).toEqual([
      'ExecuteChangeSet prod-s0-k-correnteza',
      'ExecuteChangeSet prod-s1-k-correnteza',
      'ExecuteChangeSet prod-s2-k-correnteza',
    ]);
    expect(new Set(t.svc.requests)).toEqual(new Set(['s0/correnteza', 's1/correnteza', 's2/correnteza']));
    for (const shard of ['s0', 's1', 's2'])
      expect(t.cfn.stacks.get(`prod-${shard}-k-correnteza`)!.parameters).toMatchObject({ GreenVersion: short(GOOD), GreenInstanceCount: '2' });
  });

  it('--shard picks shards, and an unknown shard is refused with the shards that exist', async () => {
    for (const shard of ['s0', 's1']) t.cfn.addStack(`prod-${shard}-k-correnteza`, blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'correnteza');
    const res = await t.e2e.command('rollback correnteza --shard s1 --shard s9');
    const answer = await waitFor(
      () =>
        t.e2e.slack
          .responsesTo(res.responseUrl)
          .map((r) => textOf(r as never))
          .join('\n'),
      { what: 'refusal' },
    );
    expect(answer).toContain('`correnteza` has no stack on shard `s9` (looked for `prod-s9-k-correnteza`). Shards found: `s0`, `s1`.');
    expect(t.cfn.actions().filter((a) => a !== 'DescribeStacks' && a !== 'ListStacks')).toEqual([]);

    await t.e2e.command(`rollback correnteza --shard s1 --to ${GOOD.toUpperCase()}`);
    const gate = await firstGate(t.e2e);
    expect(textOf(gate)).toContain(`GreenVersion        ${short(OLDER)} -&gt; ${short(GOOD)}`);
    expect(textOf(gate)).toContain('asked for with --to (build #41 of `correnteza`)');
    expect(t.cfn.requests.filter((r) => r.action === 'CreateChangeSet').map((r) => r.params.StackName)).toEqual(['prod-s1-k-correnteza']);
  });
});

describe('choosing another build and changing the world under an approval', () => {
  const t = useRollbackE2E((fresh) => {
    fresh.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(fresh.gocd, 'metapod');
  });

  /** The block_actions payload Slack sends when someone picks `label` in the plan's select menu. */
  function pick(message: EmulatedMessage, label: RegExp, userId: string, forgeValue?: string): string {
    const menu = message
      .blocks!.flatMap((b) => (b.elements as Record<string, unknown>[] | undefined) ?? [])
      .find((e) => e.action_id === 'rollback_pick_build')!;
    const option = (menu.options as { text: { text: string }; value: string }[]).find((o) => label.test(o.text.text))!;
    const payload = blockActionPayload({
      userId,
      actionId: 'rollback_pick_build',
      value: '',
      messageTs: message.ts,
      channelId: CHANNEL,
      responseUrl: t.e2e.slack.newResponseUrl(),
      messageBlocks: message.blocks,
    });
    const selected = forgeValue === undefined ? option : { ...option, value: forgeValue };
    payload.actions = [
      {
        type: 'static_select',
        action_id: 'rollback_pick_build',
        block_id: 'actions',
        selected_option: selected,
        placeholder: menu.placeholder,
        action_ts: '1700000000.000100',
      },
    ];
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  it('picking another build cancels the plan and proposes a fresh rollback to it in the same thread', async () => {
    await t.e2e.command('rollback metapod');
    const gate = await firstGate(t.e2e);
    const res = await t.e2e.post(pick(gate, /^#40 01de01d/, 'UREQ'));
    expect(res.status).toBe(200);
    await planAt(t.e2e, gate.ts, /Cancelled/);
    const fresh = await waitFor(
      () => t.e2e.slack.threadReplies(CHANNEL, gate.ts).find((m) => /Roll back metapod to 01de01d/.test(textOf(m)) && buttonsOf(m).includes('op_approve')),
      { what: 'the new plan in the thread', timeoutMs: 8000 },
    );
    expect(textOf(fresh)).toContain('asked for with --to (build #40 of `metapod`)');
    // The old plan's change set is gone; only the fresh plan's remains.
    await waitFor(() => /:broom: Deleted the change set prepared for prod-global-k-metapod/.test(threadText(t.e2e, gate.ts)), {
      what: 'the old change set deleted',
    });
    const freshId = /`(op-[a-z0-9]{8})`/.exec(textOf(fresh))![1]!;
    expect([...t.cfn.stacks.get('prod-global-k-metapod')!.changeSets.keys()]).toEqual([expect.stringContaining(freshId)]);
    expect(textOf(fresh)).toContain(`GreenVersion        ${short(OLDER)} -&gt; ${short(OLDER)}`);
    expect(t.cfn.mutatingCalls()).toEqual([]);
    // The old plan's approve button is dead; the new one works and deploys the picked build.
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    await waitFor(() => t.e2e.ephemeralsFor('UAPP').find((m) => /cancelled/.test(m)), { what: 'the dead button explanation' });
    expect(t.cfn.mutatingCalls()).toEqual([]);
    // A second pick on the cancelled plan, and a forged entry, change nothing.
    await t.e2e.post(pick(gate, /^#40 01de01d/, 'UOTHER'));
    await waitFor(() => t.e2e.ephemeralsFor('UOTHER').find((m) => /can no longer be changed/.test(m)), { what: 'the late pick explanation' });
    await t.e2e.post(pick(gate, /^#40 01de01d/, 'UFORGE', `${gate.blocks!.length > 0 ? 'op-aaaaaaaa' : ''}|$(reboot)`));
    await waitFor(() => t.e2e.ephemeralsFor('UFORGE').find((m) => /This menu entry is not valid/.test(m)), { what: 'the forged pick refusal' });
    expect(t.e2e.slack.threadReplies(CHANNEL, gate.ts).filter((m) => buttonsOf(m).includes('op_approve'))).toHaveLength(1);
    t.svc.setAnswers('metapod', 'global', [short(OLDER)]); // what the verification after the deploy will see
    await t.e2e.click(snapshot(fresh), 'op_approve', 'UAPP');
    await waitFor(() => t.cfn.mutatingCalls().length === 1, { what: 'the deploy of the picked build' });
    await waitFor(() => t.cfn.stacks.get('prod-global-k-metapod')!.parameters.GreenInstanceCount === '3', { what: 'the update' });
    expect(t.cfn.stacks.get('prod-global-k-metapod')!.parameters.GreenVersion).toBe(short(OLDER));
  });

  it('cancelling a prepared rollback deletes its unexecuted change set and says so in the thread', async () => {
    await t.e2e.command('rollback metapod');
    const gate = await firstGate(t.e2e);
    const stack = t.cfn.stacks.get('prod-global-k-metapod')!;
    expect(stack.changeSets.size).toBe(1);
    await t.e2e.click(gate, 'op_cancel', 'UREQ');
    await planAt(t.e2e, gate.ts, /Cancelled/);
    await waitFor(() => /:broom: Deleted the change set prepared for prod-global-k-metapod and never executed/.test(threadText(t.e2e, gate.ts)), {
      what: 'the clean-up note',
    });
    expect(stack.changeSets.size).toBe(0);
    expect(t.cfn.actions().filter((a) => a === 'DeleteChangeSet')).toHaveLength(1);
    expect(t.cfn.mutatingCalls().filter((c) => c.startsWith('ExecuteChangeSet'))).toEqual([]);
    expect(stack.parameters).toEqual(blueGreen(BAD, OLDER));
  });

  it('voids the approval when the stack changed after the preview, and shows the new preview', async () => {
    await t.e2e.command('rollback metapod');
    const gate = await firstGate(t.e2e);
    // Someone changes the stack by hand after the preview was computed.
    t.cfn.stacks.get('prod-global-k-metapod')!.parameters.BlueInstanceCount = '5';
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    await waitFor(() => /plan changed since it was approved/.test(threadText(t.e2e, gate.ts)), { what: 'the plan-changed notice' });
    expect(t.cfn.mutatingCalls()).toEqual([]);
    const now = await planAt(t.e2e, gate.ts, /Blue serves 5 on bad0bad/);
    expect(textOf(now)).toMatch(/Awaiting approval/);
    expect(textOf(now)).toMatch(/Not executable/);
  });
});
