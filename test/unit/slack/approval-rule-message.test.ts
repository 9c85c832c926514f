import { parseConfigFile } from '../../../src/config-file/load';
import { resolveRules } from '../../../src/operations/approval-rules';
import { renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import { allText, operationFixture, planFixture, stepFixture } from '../builders';

const proposedUnder = parseConfigFile('approvals:\n  policies:\n    - name: infra\n      approvers: { groups: [SINFRA] }\n').approvals;
const changedTo = parseConfigFile('approvals:\n  policies:\n    - name: infra\n      count: 2\n      approvers: { groups: [SINFRA, SDBA] }\n').approvals;

describe('the plan message and the stored approval rule', () => {
  const op = operationFixture(planFixture([stepFixture('s1', 'mutating')]), {
    state: 'awaiting_approval',
    approvalRules: resolveRules(proposedUnder, [], 'retract', []),
  });

  it('says the stored rule in words', () => {
    const text = allText(renderOperationMessage(op, { approvers: 'unused', ruleNow: (o, risk) => resolveRules(proposedUnder, [], o.runbook, [])[risk] }));
    expect(text).toContain('Needs 1 more approval: the rule (policy infra) needs 1 of <!subteam^SINFRA>, not the requester');
    expect(text).not.toContain('configuration changed');
  });

  it('says explicitly when the configuration changed since the plan was proposed, and keeps the stored rule', () => {
    const text = allText(renderOperationMessage(op, { approvers: 'unused', ruleNow: (o, risk) => resolveRules(changedTo, [], o.runbook, [])[risk] }));
    expect(text).toContain('Needs 1 more approval: the rule (policy infra) needs 1 of <!subteam^SINFRA>, not the requester');
    expect(text).toContain(
      'the configuration changed since this plan was proposed (the rule would now be: needs 2 of <!subteam^SINFRA>, <!subteam^SDBA>, not the requester); this plan keeps its rule',
    );
  });
});
