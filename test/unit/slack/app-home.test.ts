import { renderAppHome } from '../../../src/slack/blocks/app-home';
import type { Operation } from '../../../src/operations/types';
import { operationFixture, planFixture, stepFixture } from '../builders';

const op = (n: number, overrides: Partial<Operation> = {}): Operation =>
  operationFixture(planFixture([stepFixture('retract', 'mutating')]), { id: `op-${String(n).padStart(8, 'a')}`, ...overrides });

const textOf = (blocks: unknown[]): string => JSON.stringify(blocks);

describe('renderAppHome', () => {
  it('is a Home view with the three sections, and says so when a section is empty', () => {
    const view = renderAppHome({ toApprove: [], mine: [], recent: [] });
    expect(view.type).toBe('home');
    const headers = view.blocks.filter((b) => b.type === 'header').map((b) => (b as { text: { text: string } }).text.text);
    expect(headers).toEqual(['Waiting for your approval', 'Your requests awaiting approval', 'Recent operations']);
    const text = textOf(view.blocks);
    expect(text).toContain('Nothing is waiting for your approval.');
    expect(text).toContain('No operations yet.');
  });

  it('shows the step, its risk and the expiry of a pending approval, and where the conversation is', () => {
    const text = textOf(renderAppHome({ toApprove: [op(1)], mine: [], recent: [] }).blocks);
    expect(text).toContain('Step retract (:pencil2: mutating (1 approver))');
    expect(text).toMatch(/expires <!date\^\d+\^/);
    expect(text).toContain('in <#CDATA>');
  });

  it("stays within Slack's 100-block limit by listing ten per section and counting the rest", () => {
    const many = Array.from({ length: 40 }, (_, i) => op(i));
    const view = renderAppHome({ toApprove: many, mine: many, recent: many });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(textOf(view.blocks).match(/and 30 more/g)).toHaveLength(2);
    // The ten listed as waiting are not repeated among the recent ones: 30 remain, 10 shown.
    expect(textOf(view.blocks).match(/and 20 more/g)).toHaveLength(1);
  });

  it('does not repeat an operation listed as waiting among the recent ones', () => {
    const [pending, done] = [op(1), { ...op(2), state: 'succeeded' as const }];
    const text = textOf(renderAppHome({ toApprove: [pending], mine: [], recent: [pending, done] }).blocks);
    expect(text.split(pending.id)).toHaveLength(2);
    expect(text).toContain(done.id);
  });

  it('escapes titles that came from input or backends', () => {
    const hostile = op(2, { plan: { ...planFixture([stepFixture('retract', 'mutating')]), title: '<!channel> & <https://evil|click>' } });
    const text = textOf(renderAppHome({ toApprove: [], mine: [], recent: [hostile] }).blocks);
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    expect(text).not.toContain('<!channel>');
  });
});
