import { waitFor } from '../support/wait-for';
import { CHANNEL, textOf } from './harness';
import { BAD, blueGreen, firstGate, OLDER, seedHistory, useRollbackE2E } from './rollback-harness';

describe('a voided approval says what changed', () => {
  const t = useRollbackE2E((r) => {
    r.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(r.gocd, 'metapod');
  });

  it('shows the facts the approval was given for against the current ones, in the thread and the audit trail', async () => {
    await t.e2e.command('rollback metapod');
    const gate = await firstGate(t.e2e);
    // Someone scales the live color by hand between the preview and the approval.
    t.cfn.stacks.get('prod-global-k-metapod')!.parameters.BlueInstanceCount = '5';
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    const notice = await waitFor(() => t.e2e.slack.threadReplies(CHANNEL, gate.ts).find((m) => /plan changed since it was approved/.test(textOf(m))), {
      what: 'the plan-changed notice',
    });
    const text = textOf(notice);
    expect(text).toContain('*What changed* (approved -&gt; now)');
    // The exact facts, with their old and new values: the live color's count, and the change set made obsolete.
    expect(text).toContain('facts.stacks.0.colors.Blue.count: 3 -&gt; 5');
    expect(text).toContain('facts.deployChangeSets.prod-global-k-metapod.executionStatus: AVAILABLE -&gt; OBSOLETE');
    expect(t.cfn.mutatingCalls()).toEqual([]);
    const [op] = await t.e2e.bot.store.listRecent(1);
    const audit = await t.e2e.bot.store.auditTrail(op!.id);
    const changed = audit.find((a) => a.type === 'plan_changed');
    expect(JSON.stringify(changed?.detail.changes)).toContain('colors.Blue.count');
  });
});
