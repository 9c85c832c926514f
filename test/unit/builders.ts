import pino from 'pino';
import type { MetapodActions, RetractKind, RetractResult } from '../../src/actions/metapod/metapod-actions';
import { makePlan } from '../../src/operations/fingerprint';
import type { ApproverDirectory } from '../../src/operations/policy';
import type { PlanContext } from '../../src/operations/runbook';
import type { Operation, Plan, Risk, Step } from '../../src/operations/types';
import { retractRunbook, type RetractInput } from '../../src/runbooks/retract';
import type { Block, SlackMessage } from '../../src/slack/blocks/format';

export const METAPOD_URL = 'https://metapod.example.test';
export const UUID = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';
export const OP_ID = 'op-abcd2345';
export const CREATED_AT = '2026-11-24T10:00:00.000Z';
export const EXPIRES_AT = '2026-11-24T10:30:00.000Z';

/** A Metapod that builds URLs like the real adapter and records (but never sends) retractions. */
export class FakeMetapod implements MetapodActions {
  calls: { kind: RetractKind; id: string }[] = [];
  constructor(private readonly baseUrl = METAPOD_URL) {}
  retractUrl(kind: RetractKind, id: string): string {
    return `${this.baseUrl}/api/migrations/retract/${kind}/${encodeURIComponent(id)}`;
  }
  retract(kind: RetractKind, id: string): Promise<RetractResult> {
    this.calls.push({ kind, id });
    return Promise.resolve({ status: 200, summary: '{"ok":true}', durationMs: 12 });
  }
}

/** A user group directory backed by a map; `fail` makes every lookup reject. */
export class FakeDirectory implements ApproverDirectory {
  lookups: string[] = [];
  fail?: Error;
  constructor(public groups: Record<string, string[]> = {}) {}
  groupMembers(groupId: string): Promise<string[]> {
    this.lookups.push(groupId);
    if (this.fail) return Promise.reject(this.fail);
    return Promise.resolve(this.groups[groupId] ?? []);
  }
}

export function planContext(): PlanContext {
  return { logger: pino({ level: 'silent' }), now: new Date(CREATED_AT), results: [] };
}

/** The plan the real retract runbook builds, over a fake Metapod. */
export function retractPlan(input: Partial<RetractInput> = {}, metapod: MetapodActions = new FakeMetapod()): Promise<Plan> {
  return retractRunbook(metapod).buildPlan({ kind: 'committed-dataset', id: UUID, ...input }, planContext());
}

/** A step for hand-built plans (e.g. destructive or multi-step ones the current runbooks do not produce). */
export function stepFixture(id: string, risk: Risk, overrides: Partial<Step> = {}): Step {
  return {
    id,
    title: `Step ${id}`,
    risk,
    preview: [{ label: 'Call', value: `do ${id}`, code: true }],
    verification: 'it says ok',
    action: { kind: 'fake', params: { id } },
    ...overrides,
  };
}

export function planFixture(steps: Step[], facts: Record<string, unknown> = { version: 1 }): Plan {
  return makePlan({ runbook: 'fake', title: 'Fake plan', summary: 'A fake plan.', steps, facts });
}

/** A stored operation around `plan`, awaiting approval of its first step; tests override what they care about. */
export function operationFixture(plan: Plan, overrides: Partial<Operation> = {}): Operation {
  return {
    id: OP_ID,
    runbook: plan.runbook,
    input: { kind: 'committed-dataset', id: UUID },
    plan,
    state: 'awaiting_approval',
    version: 3,
    requester: 'UREQ',
    location: { channel: 'CDATA', messageTs: '1700000000.000100' },
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    expiresAt: EXPIRES_AT,
    currentStep: 0,
    approvals: [],
    results: [],
    ...overrides,
  };
}

type AnyBlock = Block & { text?: { text: string }; elements?: unknown[] };

/** Every text a person can read in a message (sections, headers, contexts, fallback). */
export function textsOf(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks as AnyBlock[]) {
    if (block.text) texts.push(block.text.text);
    if (block.type === 'context') for (const el of block.elements as { text?: string }[]) if (el.text !== undefined) texts.push(el.text);
  }
  return texts;
}

export function allText(message: SlackMessage): string {
  return textsOf(message).join('\n');
}

/** Section and context texts, with their block type (for Block Kit limits). */
export function blockTexts(message: SlackMessage): { type: string; text: string }[] {
  return (message.blocks as AnyBlock[]).flatMap((b) => {
    if (b.type === 'context') return (b.elements as { text: string }[]).map((e) => ({ type: 'context', text: e.text }));
    return b.text ? [{ type: b.type, text: b.text.text }] : [];
  });
}

export interface ButtonView {
  action_id: string;
  value: string;
  text: { text: string };
  style?: string;
  confirm?: { title: { text: string }; text: { text: string } };
}

export function buttonsOf(message: SlackMessage): ButtonView[] {
  return message.blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b as unknown as { elements: ButtonView[] }).elements)
    .filter((e) => (e as { type?: string }).type !== 'overflow');
}
