import type { AuditEntry, Operation, Plan, StepResult } from '../../../src/operations/types';
import { renderHelp, renderUsageError } from '../../../src/slack/blocks/help';
import { renderStatusDetail, renderStatusList } from '../../../src/slack/blocks/status';
import {
  renderCancelled,
  renderExpired,
  renderInterrupted,
  renderNextGate,
  renderPlanChanged,
  renderProgress,
  renderRerunRequested,
  renderStepResult,
  renderStepStarted,
} from '../../../src/slack/blocks/thread-messages';
import { explainState } from '../../../src/slack/handlers/state-words';
import { allText, blockTexts, CREATED_AT, EXPIRES_AT, OP_ID, operationFixture, planFixture, retractPlan, stepFixture, UUID } from '../builders';

let plan: Plan;
beforeAll(async () => {
  plan = await retractPlan();
});
const op = (overrides: Partial<Operation> = {}) => operationFixture(plan, overrides);
const epoch = (iso: string) => Date.parse(iso) / 1000;
const stepResult = (overrides: Partial<StepResult> = {}): StepResult => ({
  stepId: 'retract',
  attempt: 1,
  outcome: 'succeeded',
  summary: 'Metapod answered 200 in 12 ms.',
  details: [{ label: 'Response', value: '{"ok":true}', code: true }],
  externalIds: { metapodRequestId: 'req-42' },
  startedAt: CREATED_AT,
  finishedAt: '2026-11-24T10:05:00.000Z',
  durationMs: 2500,
  ...overrides,
});
const entry = (seq: number, type: AuditEntry['type'], actor: string, detail: Record<string, unknown> = {}): AuditEntry => ({
  operationId: OP_ID,
  seq,
  at: CREATED_AT,
  actor,
  type,
  detail,
});

describe('thread messages', () => {
  it('a step result says what happened and how long it took; request ids stay in the audit trail', () => {
    const text = allText(renderStepResult(op(), plan.steps[0]!, stepResult()));
    expect(text).toMatch(/:white_check_mark: \*Retract committed dataset .*\* succeeded \(attempt 1, 2\.5 s\)/);
    expect(text).toContain('Metapod answered 200 in 12 ms.');
    expect(text).toContain('```{"ok":true}```');
    expect(text).not.toContain('metapodRequestId');
    expect(text).not.toContain('req-42');
    expect(text).toMatch(
      new RegExp(`\`${OP_ID}\` · finished <!date\\^${epoch('2026-11-24T10:05:00.000Z')}\\^.* · request ids in \`/runbook status ${OP_ID}\``),
    );
    expect(allText(renderStepResult(op(), plan.steps[0]!, stepResult({ externalIds: {} })))).not.toContain('request ids');
  });

  it('a failed or interrupted result says so', () => {
    expect(allText(renderStepResult(op(), plan.steps[0]!, stepResult({ outcome: 'failed', summary: 'boom' })))).toMatch(/:x: .* failed .*\nboom/);
    expect(allText(renderStepResult(op(), plan.steps[0]!, stepResult({ outcome: 'interrupted' })))).toMatch(/:warning: .* was interrupted/);
  });

  it('escapes backend text in result details', () => {
    const text = allText(renderStepResult(op(), plan.steps[0]!, stepResult({ details: [{ label: 'Response', value: '<!channel>', code: true }] })));
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('the start message names every approver', () => {
    const approvals = ['UA', 'UB'].map((userId) => ({ userId, stepId: 'retract', fingerprint: 'f', at: CREATED_AT }));
    expect(renderStepStarted(op({ approvals }), plan.steps[0]!).text).toMatch(/^Approved by <@UA> and <@UB>; running/);
    expect(renderStepStarted(op(), plan.steps[0]!).text).toMatch(/^Running \(read-only, no approval needed\)/);
  });

  it('progress, next gate and plan change point to the right place', () => {
    expect(allText(renderProgress(plan.steps[0]!, '40% done'))).toContain('40% done');
    expect(allText(renderNextGate(op({ currentStep: 1 }), stepFixture('b', 'mutating')))).toMatch(/Step 2 \(\*Step b\*\) is ready and needs approval/);
    const changed = allText(renderPlanChanged(op()));
    expect(changed).toMatch(/approval was voided/);
    expect(changed).toContain(OP_ID);
  });

  it('an interruption says nothing was re-run and names the last external ids', () => {
    const text = allText(renderInterrupted(op({ state: 'interrupted', results: [stepResult({ outcome: 'interrupted' })] }), plan.steps[0]!));
    expect(text).toMatch(/was \*not\* run again/);
    expect(text).toContain('Metapod request id: `req-42`');
    const changeSet = stepResult({ outcome: 'interrupted', externalIds: { 'changeSet:prod-global-k-metapod': 'arn:aws:cloudformation:x' } });
    expect(allText(renderInterrupted(op({ state: 'interrupted', results: [changeSet] }), plan.steps[0]!))).toContain(
      'Change set (prod-global-k-metapod): `arn:aws:cloudformation:x`',
    );
    expect(text).toContain(`/runbook status ${OP_ID}`);
    expect(allText(renderInterrupted(op({ state: 'interrupted' }), plan.steps[0]!))).toMatch(/No external request id was recorded/);
  });

  it('expiry and cancellation say nothing was run', () => {
    expect(allText(renderExpired(op({ state: 'expired' })))).toMatch(new RegExp(`expired <!date\\^${epoch(EXPIRES_AT)}\\^.*Nothing was run`));
    expect(allText(renderCancelled(op({ state: 'cancelled' }), 'UCAN'))).toMatch(/<@UCAN> cancelled this operation\. Nothing was run\./);
  });
});

describe('renderStatusList', () => {
  it('says there is nothing yet and points to help', () => {
    expect(allText(renderStatusList([]))).toMatch(/No operations yet.*\/runbook help/s);
  });

  it('shows each operation with its id, state and title', () => {
    const message = renderStatusList([op({ state: 'succeeded' }), op({ id: 'op-zzzz9999', state: 'awaiting_approval' })]);
    const text = allText(message);
    expect(text).toMatch(new RegExp(`Succeeded · \\*Retract committed dataset ${UUID}\\* · \`${OP_ID}\``));
    expect(text).toMatch(/Awaiting approval · .*`op-zzzz9999`/);
    expect(message.text).toBe('2 recent operations');
    expect(text).toContain('/runbook status <id>');
  });

  it('stays within Block Kit limits with many operations', () => {
    const many = Array.from({ length: 200 }, (_, i) => op({ id: `op-${String(i).padStart(8, 'a')}` }));
    for (const { text } of blockTexts(renderStatusList(many))) expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes titles', () => {
    const sneaky = planFixture([stepFixture('s', 'mutating')]);
    expect(allText(renderStatusList([operationFixture({ ...sneaky, title: '<!channel>' })]))).not.toContain('<!channel>');
  });
});

describe('renderStatusDetail', () => {
  const audit = [
    entry(1, 'created', 'UREQ', { input: { kind: 'committed-dataset' }, empty: {} }),
    entry(2, 'approved', 'UAPP1', { stepId: 'retract' }),
    entry(3, 'step_finished', 'system', { outcome: 'succeeded' }),
  ];

  it('shows the operation, its state and its audit trail', () => {
    const message = renderStatusDetail(op({ state: 'succeeded', updatedAt: '2026-11-24T10:05:00.000Z' }), audit);
    const text = allText(message);
    expect(message.text).toBe(`${OP_ID}: succeeded`);
    expect(text).toMatch(/Succeeded · `op-abcd2345` · requested by <@UREQ>/);
    expect(text).toContain('*Audit trail* (3 entries)');
    expect(text).toMatch(/<@UREQ> · \*created\* · input=\{"kind":"committed-dataset"\}/);
    expect(text).not.toContain('empty=');
    expect(text).toMatch(/<@UAPP1> · \*approved\* · stepId=retract/);
    expect(text).toMatch(/bot · \*step finished\* · outcome=succeeded/);
    expect(text).toContain('Conversation: channel <#CDATA>, message 1700000000.000100');
    expect(text).toContain(`Last change <!date^${epoch('2026-11-24T10:05:00.000Z')}^`);
  });

  it('shows the expiry while awaiting approval, and the reason when it ended', () => {
    expect(allText(renderStatusDetail(op(), []))).toContain(`Approval expires <!date^${epoch(EXPIRES_AT)}^`);
    expect(allText(renderStatusDetail(op({ state: 'failed', reason: 'Metapod answered 500' }), []))).toContain('Metapod answered 500');
  });

  it('shows the last 40 entries of a long trail, within Block Kit limits', () => {
    const long = Array.from({ length: 60 }, (_, i) => entry(i + 1, 'message_posted', 'system', { ts: `${i}`, blob: 'z'.repeat(500) }));
    const message = renderStatusDetail(op(), long);
    expect(allText(message)).toContain('(60 entries, last 40 shown)');
    for (const { text } of blockTexts(message)) expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes audit details', () => {
    expect(allText(renderStatusDetail(op(), [entry(1, 'approval_refused', 'UX', { reason: '<!channel>' })]))).not.toContain('<!channel>');
  });
});

describe('renderHelp and renderUsageError', () => {
  it('help shows the usage in a code block and the approval rule', () => {
    const text = allText(renderHelp(['/runbook help', '/runbook status']));
    expect(text).toContain('```/runbook help\n/runbook status```');
    expect(text).toMatch(/destructive steps need two/);
  });

  it('a usage error shows the error, then the usage', () => {
    const message = renderUsageError('`x` is not a UUID.', ['/runbook retract <kind> <id>']);
    expect(message.text).toBe('`x` is not a UUID.');
    expect(blockTexts(message).map((b) => b.text)).toEqual([':warning: `x` is not a UUID.', '*Usage*\n```/runbook retract <kind> <id>```']);
  });
});

describe('explainState', () => {
  const approvals = [{ userId: 'UA', stepId: 'retract', fingerprint: 'f', at: CREATED_AT }];

  it.each([
    ['running', { approvals }, /is already running \(approved by <@UA>\)\. It will not run twice\./],
    ['approved', { approvals }, /is approved by <@UA> and starting now\. It will not run twice\./],
    ['succeeded', {}, /already succeeded\. Nothing was run again\./],
    ['failed', { reason: 'Metapod answered 500' }, /already failed: Metapod answered 500\. Nothing was run again; start a new request/],
    ['cancelled', {}, /was cancelled\. Nothing was run\./],
    ['expired', {}, new RegExp(`expired <!date\\^${epoch(EXPIRES_AT)}\\^.* before it was approved\\. Nothing was run`)],
    ['interrupted', {}, /was interrupted while running and was not re-run/],
    ['planned', {}, /is still being prepared/],
    ['awaiting_approval', {}, /is awaiting approval/],
  ] as const)('%s', (state, overrides, expected) => {
    const text = explainState(op({ state, ...overrides }));
    expect(text.startsWith(`\`${OP_ID}\``)).toBe(true);
    expect(text).toMatch(expected);
  });

  it('names each approver once', () => {
    const twice = [...approvals, { ...approvals[0]!, stepId: 'other' }];
    expect(explainState(op({ state: 'running', approvals: twice }))).toContain('(approved by <@UA>)');
  });
});

describe('thread messages escape step titles', () => {
  it('started, progress, result, next gate, interrupted and re-run messages', () => {
    const step = stepFixture('drop', 'mutating', { title: 'Drop <!channel> now' });
    const sneaky = operationFixture(planFixture([step]));
    const messages = [
      renderStepStarted(sneaky, step),
      renderProgress(step, 'still running'),
      renderStepResult(sneaky, step, stepResult({ stepId: 'drop', summary: 'Metapod answered 200: <!here>' })),
      renderNextGate(sneaky, step),
      renderInterrupted(sneaky, step),
      renderRerunRequested(sneaky, step, 'U1'),
    ];
    for (const message of messages) {
      expect(allText(message)).not.toMatch(/<!channel>|<!here>/);
      expect(allText(message)).toContain('&lt;!channel&gt;');
    }
  });
});
