import { describeApprovers } from '../../../src/operations/policy';
import { renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import { OP_ID, operationFixture, retractPlan, UUID } from '../builders';

const menu = {
  actionId: 'rollback_pick_build',
  placeholder: 'Roll back to another build',
  options: [{ label: '#40 01de01d Older change', value: '01de'.repeat(10) }],
};

describe('a plan menu (e.g. another build to roll back to)', () => {
  it('is shown next to the buttons while approval is pending; each option names the operation', async () => {
    const plan = { ...(await retractPlan({ kind: 'attribute', id: UUID })), menu };
    const message = renderOperationMessage(operationFixture(plan, { state: 'awaiting_approval' }), { approvers: describeApprovers({ approvers: [] }) });
    const elements = message.blocks.flatMap((b) => ('elements' in b ? (b.elements as unknown as Record<string, unknown>[]) : []));
    expect(elements.map((e) => e.type)).toEqual(expect.arrayContaining(['button', 'static_select']));
    expect(elements.find((e) => e.type === 'static_select')).toMatchObject({
      action_id: 'rollback_pick_build',
      placeholder: { type: 'plain_text', text: 'Roll back to another build' },
      options: [{ text: { type: 'plain_text', text: '#40 01de01d Older change' }, value: `${OP_ID}|${'01de'.repeat(10)}` }],
    });
  });

  it('is gone once the operation runs or ends, and absent when the plan has none', async () => {
    const plan = { ...(await retractPlan({ kind: 'attribute', id: UUID })), menu };
    for (const state of ['running', 'succeeded', 'cancelled'] as const) {
      expect(JSON.stringify(renderOperationMessage(operationFixture(plan, { state }), { approvers: 'anyone' }).blocks)).not.toContain('static_select');
    }
    const bare = await retractPlan({ kind: 'attribute', id: UUID });
    expect(JSON.stringify(renderOperationMessage(operationFixture(bare, { state: 'awaiting_approval' }), { approvers: 'anyone' }).blocks)).not.toContain(
      'static_select',
    );
  });
});
