import { diffPlans } from '../../../src/operations/plan-diff';
import { makePlan } from '../../../src/operations/fingerprint';
import type { Step } from '../../../src/operations/types';

const step = (value: string, params: Record<string, unknown>): Step => ({
  id: 'update',
  title: 'Update capacity',
  risk: 'mutating',
  preview: [{ label: 'Capacity', value }],
  verification: 'table ACTIVE',
  action: { kind: 'update-table', params },
});

describe('diffPlans', () => {
  it('names each changed fact and step field with its old and new value, and nothing that stayed', () => {
    const before = makePlan({
      runbook: 'datomic',
      title: 't',
      summary: 's',
      steps: [step('RCU 100 -> 150', { read: 150 })],
      facts: { table: 'prod-x', capacity: { read: 100, write: 50 }, gone: true },
    });
    const after = makePlan({
      runbook: 'datomic',
      title: 't',
      summary: 's',
      steps: [step('RCU 120 -> 180', { read: 180 })],
      facts: { table: 'prod-x', capacity: { read: 120, write: 50 }, added: ['a'] },
    });
    expect(diffPlans(before, after, 0)).toEqual([
      { path: 'facts.capacity.read', before: '100', after: '120' },
      { path: 'facts.gone', before: 'true' },
      { path: 'facts.added.0', after: 'a' },
      { path: 'step.preview.Capacity', before: 'RCU 100 -> 150', after: 'RCU 120 -> 180' },
      { path: 'step.action.update-table.read', before: '150', after: '180' },
    ]);
  });

  it('is empty for equal plans', () => {
    const plan = makePlan({ runbook: 'r', title: 't', summary: 's', steps: [step('x', {})], facts: { a: [1, { b: 2 }] } });
    expect(diffPlans(plan, structuredClone(plan), 0)).toEqual([]);
  });
});
