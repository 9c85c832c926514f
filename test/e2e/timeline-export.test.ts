import { appHomeOpened, blockActionPayload } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { CHANNEL, snapshot } from './harness';
import { answerTo, BAD, blueGreen, firstGate, GOOD, OLDER, planAt, seedHistory, short, useRollbackE2E } from './rollback-harness';

describe('exporting the timeline of a multi-step operation', () => {
  const t = useRollbackE2E((r) => {
    r.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(r.gocd, 'metapod');
    r.svc.setAnswers('metapod', 'global', [short(BAD), short(GOOD)]);
  });

  it('posts Markdown and JSON files in the thread, from /runbook export and from the finished message menu', async () => {
    // A real rollback: preview, deploy (1 approver), verify, scale-down (2 approvers), final check.
    await t.e2e.command('rollback metapod');
    const gate = await firstGate(t.e2e);
    await t.e2e.click(gate, 'op_approve', 'UAPP');
    await planAt(t.e2e, gate.ts, /Needs 2 more approvals/);
    await t.e2e.bot.engine.idle();
    const scaleGate = snapshot(t.e2e.slack.message(CHANNEL, gate.ts)!);
    t.svc.setAnswers('metapod', 'global', [short(GOOD)]);
    await t.e2e.click(scaleGate, 'op_approve', 'UAPP');
    await waitFor(() => t.e2e.ephemeralsFor('UAPP').find((m) => /needs 1 more approver/.test(m)), { what: 'first destructive approval' });
    await t.e2e.click(scaleGate, 'op_approve', 'UAPP2');
    const done = await planAt(t.e2e, gate.ts, /Succeeded/);
    const [op] = await t.e2e.bot.store.listRecent(1);

    const { responseUrl } = await t.e2e.command(`export ${op!.id}`, 'UREQ');
    expect(await answerTo(t.e2e, responseUrl)).toMatch(/The timeline of `op-\w+` is in its thread \(Markdown and JSON\)/);
    const md = t.e2e.slack.files.find((f) => f.filename === `${op!.id}-timeline.md`)!;
    const json = t.e2e.slack.files.find((f) => f.filename === `${op!.id}-timeline.json`)!;
    expect(md.channel).toBe(CHANNEL);
    expect(md.thread_ts).toBe(gate.ts);
    const markdown = md.bytes.toString('utf8');
    // Every step with its result and duration, each approval, verification, and the audit trail.
    for (const s of op!.plan.steps) expect(markdown).toContain(s.title);
    expect(markdown).toMatch(/Attempt 1: \*\*succeeded\*\* in [\d.]+ m?s/);
    expect(markdown).toMatch(/Approved by UAPP at \S+\n/);
    expect(markdown).toMatch(/Approved by UAPP at \S+, UAPP2 at \S+/);
    expect(markdown).toContain('Verification:');
    expect(markdown).toMatch(/\| \d+ \| .* \| UAPP2 \| approved \|/);
    const parsed = JSON.parse(json.bytes.toString('utf8')) as { operation: { id: string; results: unknown[] }; audit: { type: string }[] };
    expect(parsed.operation.id).toBe(op!.id);
    expect(parsed.operation.results.length).toBeGreaterThanOrEqual(3);
    expect(parsed.audit.map((a) => a.type)).toEqual(expect.arrayContaining(['created', 'approved', 'step_finished', 'succeeded']));

    // The finished message offers the same through its menu (an overflow, not a button).
    const menu = JSON.stringify(done.blocks);
    expect(menu).toContain('"action_id":"op_export"');
    const payload = blockActionPayload({ userId: 'UAPP', actionId: 'op_export', value: '', messageTs: done.ts, responseUrl: t.e2e.slack.newResponseUrl() });
    const action = payload.actions[0]!;
    payload.actions[0] = {
      action_id: 'op_export',
      block_id: `op_finished_${op!.id}`,
      type: 'overflow',
      selected_option: { text: { type: 'plain_text', text: 'Export timeline' }, value: `export|${op!.id}` },
      action_ts: action.action_ts,
    };
    await t.e2e.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    const exporters = async () => (await t.e2e.bot.store.auditTrail(op!.id)).filter((a) => a.detail.export === 'timeline').map((a) => a.actor);
    await waitFor(async () => (await exporters()).length === 2, { what: 'the second export' });
    expect(await exporters()).toEqual(['UREQ', 'UAPP']);
    expect(t.e2e.slack.files.filter((f) => f.filename === `${op!.id}-timeline.md`)).toHaveLength(2);

    // The App Home links the recently exported timelines.
    await t.e2e.post(appHomeOpened({ userId: 'UAPP' }));
    const home = await waitFor(() => t.e2e.slack.homeViews.get('UAPP'), { what: 'the Home tab' });
    expect(JSON.stringify(home)).toContain('Recent timelines');
    expect(JSON.stringify(home)).toContain(`${op!.id}-timeline.md`);
  });

  it('says so for an unknown operation', async () => {
    const { responseUrl } = await t.e2e.command('export op-zzzzzzzz', 'UREQ');
    expect(await answerTo(t.e2e, responseUrl)).toMatch(/There is no operation `op-zzzzzzzz`/);
    expect(t.e2e.slack.files).toHaveLength(0);
  });
});
