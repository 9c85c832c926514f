import { describeApprovers } from '../../../src/operations/policy';
import type { StepResult } from '../../../src/operations/types';
import { endedEarlyText, renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import { allText, buttonsOf, CREATED_AT, operationFixture, planFixture, stepFixture } from '../builders';

const ANYONE = describeApprovers({ approvers: [] });
const ran: StepResult = { stepId: 'a', attempt: 1, outcome: 'succeeded', summary: 'No throttling in the last 3 h.', details: [], externalIds: {}, startedAt: CREATED_AT, finishedAt: CREATED_AT, durationMs: 1200 };
const plan = planFixture([stepFixture('a', 'read-only'), stepFixture('b', 'mutating'), stepFixture('c', 'destructive', { title: 'Drop <!channel> *now*' })]);

describe('renderOperationMessage: an operation that ended early', () => {
  const op = operationFixture(plan, { state: 'succeeded', currentStep: 0, results: [ran], reason: 'No throttling found: nothing to change.' });

  it('shows the steps after the last one that ran as skipped, says why, and offers no buttons', () => {
    const message = renderOperationMessage(op, { approvers: ANYONE });
    const text = allText(message);
    expect(text).toMatch(/:white_check_mark: \*Step 1\/3: Step a\*/);
    expect(text).toMatch(/:fast_forward: \*Step 2\/3: Step b\*\nSkipped \(not run\): the operation ended early/);
    expect(text).toMatch(/:fast_forward: \*Step 3\/3: Drop/);
    expect(text).toContain('Succeeded* in 1.2 s: No throttling in the last 3 h.');
    expect(text).toContain(':fast_forward: Ended early. No throttling found: nothing to change. Not run: *Step b*, *Drop &lt;!channel&gt; *now**.');
    expect(buttonsOf(message)).toEqual([]);
  });

  it('renders a normal success without any "skipped" wording', () => {
    const single = planFixture([stepFixture('a', 'read-only')]);
    const text = allText(renderOperationMessage(operationFixture(single, { state: 'succeeded', currentStep: 0, results: [ran] }), { approvers: ANYONE }));
    expect(text).not.toMatch(/Skipped|Ended early|fast_forward/);
  });

  it('does not call pending steps of a running operation skipped', () => {
    const text = allText(renderOperationMessage(operationFixture(plan, { state: 'running', currentStep: 0 }), { approvers: ANYONE }));
    expect(text).toMatch(/:white_square: \*Step 2\/3/);
    expect(text).not.toContain('Skipped');
  });

  it('the thread note names the skipped steps', () => {
    expect(endedEarlyText(op)).toMatch(/^:fast_forward: Ended early\. No throttling found: nothing to change\. Not run: \*Step b\*, /);
  });
});
