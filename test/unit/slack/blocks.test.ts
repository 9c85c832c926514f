import { stepFingerprint } from '../../../src/operations/fingerprint';
import { describeApprovers } from '../../../src/operations/policy';
import type { Approval, Operation, OperationState, Plan, StepResult } from '../../../src/operations/types';
import { APPROVE_ACTION, CANCEL_ACTION, renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import {
  allText,
  blockTexts,
  buttonsOf,
  CREATED_AT,
  FakeMetapod,
  METAPOD_URL,
  OP_ID,
  operationFixture,
  planFixture,
  retractPlan,
  stepFixture,
  UUID,
} from '../builders';

const ANYONE = describeApprovers({ approvers: [] });
const LISTED = describeApprovers({ approvers: ['U0LEAD1', 'S0ONCALL'] });

let plan: Plan;
beforeAll(async () => {
  plan = await retractPlan({ kind: 'committed-dataset', id: UUID });
});

const approval = (userId: string, stepId = 'retract'): Approval => ({
  userId,
  stepId,
  fingerprint: stepFingerprint(plan.steps[0]!, plan.facts),
  at: CREATED_AT,
});
const result = (outcome: StepResult['outcome'], summary: string): StepResult => ({
  stepId: 'retract',
  attempt: 1,
  outcome,
  summary,
  details: [],
  externalIds: {},
  startedAt: CREATED_AT,
  finishedAt: CREATED_AT,
  durationMs: 1234,
});
const render = (overrides: Partial<Operation> = {}, approvers = ANYONE) => renderOperationMessage(operationFixture(plan, overrides), { approvers });

describe('renderOperationMessage: a plan awaiting approval', () => {
  it('previews the exact request, empty body included', () => {
    const text = allText(render());
    expect(text).toContain(`POST ${METAPOD_URL}/api/migrations/retract/committed-dataset/${UUID}`);
    expect(text).toContain('(empty body)');
  });

  it('shows the title, the id, the requester and the state', () => {
    const message = render();
    expect(message.blocks[0]).toEqual({ type: 'header', text: expect.objectContaining({ type: 'plain_text', text: `Retract committed dataset ${UUID}` }) });
    const text = allText(message);
    expect(text).toContain(`\`${OP_ID}\``);
    expect(text).toContain('requested by <@UREQ>');
    expect(text).toMatch(/Awaiting approval/);
    expect(message.text).toBe(`Retract committed dataset ${UUID}: Awaiting approval`);
  });

  it('explains what a committed-dataset retraction means and its risk', () => {
    const text = allText(render());
    expect(text).toMatch(/The dataset itself stays in its transaction/);
    expect(text).toMatch(/Risk: .*mutating \(1 approver\)/);
    expect(text).toMatch(/Verification: Metapod answers with a 2xx status/);
  });

  it('says that any member but the requester may approve when no list is configured', () => {
    expect(allText(render())).toMatch(/Needs 1 more approval from any member .* except the requester/);
  });

  it('names listed approvers as user and group mentions', () => {
    expect(allText(render({}, LISTED))).toContain('from <@U0LEAD1>, <!subteam^S0ONCALL>');
  });

  it('shows when the request expires as a Slack date token', () => {
    const epoch = Date.parse(operationFixture(plan).expiresAt!) / 1000;
    expect(allText(render())).toContain(`expires <!date^${epoch}^`);
  });

  it('offers Approve bound to the step fingerprint, and Cancel', () => {
    const [approve, cancel, ...rest] = buttonsOf(render());
    expect(rest).toEqual([]);
    expect(approve).toMatchObject({ action_id: APPROVE_ACTION, style: 'primary', text: { text: 'Approve' } });
    expect(approve!.value).toBe(`${OP_ID}|retract|${stepFingerprint(plan.steps[0]!, plan.facts)}`);
    expect(approve!.value).toMatch(/^op-[a-z0-9]{8}\|retract\|[0-9a-f]{16}$/);
    expect(approve!.confirm).toBeUndefined();
    expect(cancel).toMatchObject({ action_id: CANCEL_ACTION, style: 'danger', value: OP_ID });
    expect(APPROVE_ACTION).toBe('op_approve');
    expect(CANCEL_ACTION).toBe('op_cancel');
  });

  it('binds the Approve button to the plan facts: another Metapod gives another fingerprint', async () => {
    const other = await retractPlan({}, new FakeMetapod('https://other-metapod.example.test'));
    const a = buttonsOf(render())[0]!.value;
    const b = buttonsOf(renderOperationMessage(operationFixture(other), { approvers: ANYONE }))[0]!.value;
    expect(a).not.toBe(b);
  });

  it('counts approvals already given on a destructive step and asks for the rest', () => {
    const destructive = planFixture([stepFixture('drop', 'destructive', { title: 'Drop the table' })]);
    const op = operationFixture(destructive, { approvals: [{ userId: 'UAPP1', stepId: 'drop', fingerprint: 'x', at: CREATED_AT }] });
    const text = allText(renderOperationMessage(op, { approvers: ANYONE }));
    expect(text).toContain('Approved by <@UAPP1>');
    expect(text).toMatch(/Needs 1 more approval/);
  });
});

describe('renderOperationMessage: destructive steps', () => {
  const destructive = () => planFixture([stepFixture('drop', 'destructive', { title: 'Drop the table' })]);

  it('asks for confirmation before approving', () => {
    const [approve] = buttonsOf(renderOperationMessage(operationFixture(destructive()), { approvers: ANYONE }));
    expect(approve!.text.text).toBe('Approve (destructive)');
    // Plain text (a dialog shows markup as typed), and the first approver is told it waits for a second.
    expect(approve!.confirm).toMatchObject({
      title: { text: 'Approve a destructive step?' },
      text: { type: 'plain_text', text: 'You are approving "Drop the table". It needs 2 approvals: it runs only after another approver also agrees.' },
    });
    expect(approve!.value).toBe(`${OP_ID}|drop|${stepFingerprint(destructive().steps[0]!, destructive().facts)}`);
  });

  it('tells the second approver that their approval runs it now', () => {
    const first = [{ userId: 'UONE', stepId: 'drop', fingerprint: stepFingerprint(destructive().steps[0]!, destructive().facts), at: CREATED_AT }];
    const [approve] = buttonsOf(renderOperationMessage(operationFixture(destructive(), { approvals: first }), { approvers: ANYONE }));
    expect(approve!.confirm!.text.text).toBe(
      'You are approving "Drop the table". Another approver already agreed: yours is the last approval needed, so it runs as soon as you confirm.',
    );
  });

  it('needs two approvals and says so', () => {
    const text = allText(renderOperationMessage(operationFixture(destructive()), { approvers: ANYONE }));
    expect(text).toMatch(/destructive \(2 approvers\)/);
    expect(text).toMatch(/Needs 2 more approvals/);
  });
});

describe('renderOperationMessage: after approval', () => {
  const states: [OperationState, Partial<Operation>, RegExp][] = [
    ['running', {}, /Running/],
    ['succeeded', { results: [result('succeeded', 'Metapod answered 200 in 1.2 s.')] }, /Succeeded\* in 1\.2 s: Metapod answered 200/],
    ['failed', { results: [result('failed', 'Metapod answered 500')], reason: 'Metapod answered 500' }, /Failed: Metapod answered 500/],
    ['cancelled', { reason: 'Cancelled before it ran.', endedBy: 'UREQ' }, /Cancelled by <@UREQ>\. Nothing was run\./],
    ['expired', { reason: 'The approval window passed before anyone approved.' }, /Expired: The approval window passed/],
  ];

  it.each(states)('%s: no buttons, the state and the approver are shown', (state, overrides, expected) => {
    const message = render({ state, approvals: [approval('UAPP1')], ...overrides });
    // Only the finished operation's menu remains: export the timeline.
    expect(
      message.blocks
        .filter((b) => b.type === 'actions')
        .flatMap((b) => (b as { elements: { type: string; action_id: string }[] }).elements.map((e) => `${e.type}:${e.action_id}`)),
    ).toEqual(state === 'running' ? [] : ['overflow:op_export']);
    const text = allText(message);
    expect(text).toMatch(expected);
    expect(text).toContain('Approved by <@UAPP1>');
    expect(text).not.toMatch(/Needs \d more approval/);
  });

  it('interrupted: the state, and buttons to check the backend, run again (fresh approval) or close', () => {
    const message = render({
      state: 'interrupted',
      approvals: [approval('UAPP1')],
      results: [result('interrupted', 'The bot stopped.')],
      reason: 'The bot stopped.',
    });
    expect(allText(message)).toMatch(/Interrupted: The bot stopped/);
    const actions = message.blocks.filter((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] }[];
    expect(actions.flatMap((a) => a.elements.map((e) => [e.action_id, e.value]))).toEqual([
      ['op_check_state', OP_ID],
      ['op_run_again', OP_ID],
      ['op_cancel', OP_ID],
    ]);
  });

  it('cancelled after an interruption: says the step was not run again', () => {
    const text = allText(render({ state: 'cancelled', endedBy: 'UREQ', results: [result('interrupted', 'The bot stopped.')] }));
    expect(text).toMatch(/Cancelled by <@UREQ>\. The interrupted step was not run again\./);
  });

  it('marks the step with its outcome', () => {
    expect(allText(render({ state: 'succeeded', approvals: [approval('UAPP1')], results: [result('succeeded', 'ok')] }))).toMatch(
      /:white_check_mark: \*Step 1\/1/,
    );
    expect(allText(render({ state: 'failed', results: [result('failed', 'no')] }))).toMatch(/:x: \*Step 1\/1/);
    expect(allText(render({ state: 'running' }))).toMatch(/:arrows_counterclockwise: \*Step 1\/1/);
  });

  it('lists several approvers of a destructive step', () => {
    const destructive = planFixture([stepFixture('drop', 'destructive')]);
    const approvals = ['UA', 'UB'].map((userId) => ({ userId, stepId: 'drop', fingerprint: 'x', at: CREATED_AT }));
    expect(allText(renderOperationMessage(operationFixture(destructive, { state: 'running', approvals }), { approvers: ANYONE }))).toContain(
      'Approved by <@UA>, <@UB>',
    );
  });
});

describe('renderOperationMessage: multi-step plans', () => {
  it('shows each step with its position and only gates the current one', () => {
    const multi = planFixture([stepFixture('a', 'read-only'), stepFixture('b', 'mutating'), stepFixture('c', 'destructive')]);
    const op = operationFixture(multi, { currentStep: 1, results: [{ ...result('succeeded', 'ok'), stepId: 'a' }] });
    const message = renderOperationMessage(op, { approvers: ANYONE });
    const text = allText(message);
    expect(text).toMatch(/:white_check_mark: \*Step 1\/3: Step a\*/);
    expect(text).toMatch(/:lock: \*Step 2\/3: Step b\*/);
    expect(text).toMatch(/:white_square: \*Step 3\/3: Step c\*/);
    expect(buttonsOf(message)[0]!.value).toBe(`${OP_ID}|b|${stepFingerprint(multi.steps[1]!, multi.facts)}`);
  });
});

describe('renderOperationMessage: Block Kit limits', () => {
  it('keeps every text within limits with a huge preview and title', () => {
    const huge = planFixture([
      stepFixture('big', 'mutating', {
        title: 'T'.repeat(400),
        preview: [{ label: 'Body', value: 'x'.repeat(20_000), code: true }],
        explanation: 'e'.repeat(5000),
      }),
    ]);
    const message = renderOperationMessage(operationFixture({ ...huge, title: 'H'.repeat(500) }), { approvers: ANYONE });
    const header = message.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    for (const { text } of blockTexts(message)) expect(text.length).toBeLessThanOrEqual(3000);
    expect(allText(message)).toContain('(truncated)');
  });

  it('never lets a preview value break out of its code block or mention anyone', () => {
    const sneaky = planFixture([stepFixture('s', 'mutating', { preview: [{ label: 'Body', value: '```\n<!channel> <@U1>', code: true }] })]);
    const text = allText(renderOperationMessage(operationFixture(sneaky), { approvers: ANYONE }));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U1>');
    expect(text).toContain("'''");
  });
});

// Block Kit limits confirm text to 300 characters: a long step title must not make Slack reject the message.
describe('renderOperationMessage: confirm dialog limits', () => {
  it('keeps the confirm dialog text within 300 characters', () => {
    const long = planFixture([stepFixture('drop', 'destructive', { title: 'T'.repeat(400) })]);
    const [approve] = buttonsOf(renderOperationMessage(operationFixture(long), { approvers: ANYONE }));
    expect(approve!.confirm!.text.text.length).toBeLessThanOrEqual(300);
    expect(approve!.confirm!.title.text.length).toBeLessThanOrEqual(100);
  });
});

// Reasons and summaries come from backend answers (a BackendError embeds the response body): a Metapod 500
// body "<!channel> down" must not ping the whole channel.
describe('renderOperationMessage: backend text is escaped', () => {
  it('escapes a failure reason from a backend answer', () => {
    const reason = 'Metapod answered 500 Internal Server Error: <!channel> everything is down';
    const text = allText(render({ state: 'failed', reason, results: [result('failed', reason)] }));
    expect(text).not.toContain('<!channel>');
  });

  it('escapes a success summary from a backend answer', () => {
    const text = allText(render({ state: 'succeeded', results: [result('succeeded', 'Metapod answered 200: <@U0BOSS>')] }));
    expect(text).not.toContain('<@U0BOSS>');
  });
});

// Step titles carry names that come from backends (a Sonar dataset name, a stack name): escaped like any backend text.
describe('step titles are escaped wherever they are shown', () => {
  const title = 'Comment out `<!channel>` and <@U0BOSS>';
  const sneaky = planFixture([stepFixture('drop', 'destructive', { title })]);
  it('in the operation message, its fallback text and the confirm dialog', () => {
    const message = renderOperationMessage(operationFixture({ ...sneaky, title: 'Plan <!here>' }), { approvers: ANYONE });
    const [approve] = buttonsOf(message);
    // The header is plain_text, where Slack reads no mentions; everything else is mrkdwn.
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'Plan <!here>' } });
    for (const text of [
      message.text,
      ...blockTexts(message)
        .slice(1)
        .map((b) => b.text),
      approve!.confirm!.text.text,
    ]) {
      expect(text).not.toMatch(/<!channel>|<@U0BOSS>|<!here>/);
    }
    expect(allText(message)).toContain('`&lt;!channel&gt;`'); // the title's own code quotes stay
    expect(approve!.confirm!.text.text).toContain('"Comment out !channel and @U0BOSS"');
  });
});
